// The rule workbench, on the fengqiao npm package: write a rule set with live validation
// (every diagnostic at its line, from the library's own validator against the world), drop
// a history file and see what-if — the shipped rules against yours — as a table and charts.
import init, { Engine, version, defaultRules } from 'fengqiao';

const $ = (id) => document.getElementById(id);
const LEVEL_ZH = { county: '县（市）', street: '街道', community: '村（社区）', grid: '网格' };
let engine;
let history = null;
let timer = 0;

function fail(e) {
  $('status').innerHTML = `<span class="error">${e.code ?? 'error'}: ${e.message}</span>`;
}

/** Line numbers beside the text, marking the lines that have a diagnostic. */
function gutter(found) {
  const lines = $('rules').value.split('\n').length;
  const marks = new Map();
  for (const f of found) {
    if (f.at) marks.set(f.at.line, f.diagnostic.severity === 'error' || marks.get(f.at.line) === 'bad' ? 'bad' : 'warn');
  }
  const out = [];
  for (let i = 1; i <= lines; i++) {
    out.push(marks.has(i) ? `<span class="${marks.get(i)}" data-line="${i}">${i}</span>` : String(i));
  }
  $('gutter').innerHTML = out.join('\n');
}

/** Selects the value a diagnostic names, as an editor jumps to an error. */
function jump(at) {
  const area = $('rules');
  // The span is in bytes of UTF-8; the textarea counts UTF-16 units.
  const bytes = new TextEncoder().encode(area.value);
  const dec = new TextDecoder();
  const start = dec.decode(bytes.slice(0, at.start)).length;
  const end = dec.decode(bytes.slice(0, at.end)).length;
  area.focus();
  area.setSelectionRange(start, end);
  area.scrollTop = Math.max(0, (at.line - 5) * 17.4);
}

function validate() {
  const found = engine.validateRulesText($('rules').value);
  const errors = found.filter((f) => f.diagnostic.severity === 'error').length;
  const warnings = found.length - errors;
  const summary = $('summary');
  summary.textContent = `${errors} 个错误 errors, ${warnings} 个警告 warnings`;
  summary.dataset.errors = String(errors);
  summary.dataset.warnings = String(warnings);
  const list = $('diagnostics');
  list.innerHTML = '';
  for (const f of found) {
    const d = f.diagnostic;
    const li = document.createElement('li');
    li.className = d.severity;
    li.dataset.line = f.at ? String(f.at.line) : '';
    li.innerHTML = `<span class="code">${d.severity}[${d.code}]</span> ${f.at ? `${f.at.line}:${f.at.column}` : ''} <b>${d.path || '(rule set)'}</b>${d.rule ? ` (rule ${d.rule})` : ''}: `;
    li.append(document.createTextNode(d.message));
    if (f.at) li.addEventListener('click', () => jump(f.at));
    list.append(li);
  }
  gutter(found);
  return errors === 0;
}

/** Grouped bars (before, after) as SVG. */
function bars(title, groups) {
  const w = 560, h = 150, left = 40, base = 30 + h;
  const max = Math.max(1, ...groups.flatMap((g) => [g[1], g[2]]));
  const slot = (w - left) / Math.max(1, groups.length);
  const bar = Math.min(22, slot * 0.35);
  let s = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${base + 34}" class="chart"><text x="${left}" y="16" font-size="13" font-weight="bold">${title}</text>`;
  s += `<line x1="${left}" y1="${base}" x2="${w}" y2="${base}" stroke="#333"/>`;
  groups.forEach(([label, a, b], i) => {
    const x = left + slot * i + slot / 2 - bar;
    [[a, '#8c9bab', 'before'], [b, '#c0392b', 'after']].forEach(([v, color, cls], k) => {
      const bh = (h * v) / max;
      s += `<rect class="${cls}" x="${x + bar * k}" y="${base - bh}" width="${bar}" height="${bh}" fill="${color}"><title>${label} ${v}</title></rect>`;
    });
    s += `<text x="${x + bar}" y="${base + 14}" font-size="10" text-anchor="middle">${label}</text>`;
  });
  return `${s}</svg>`;
}

function whatIf() {
  if (!history || !validate()) return;
  const after = JSON.parse($('rules').value);
  let c;
  try {
    c = engine.whatIf(history, defaultRules(), after);
  } catch (e) {
    $('whatif-status').textContent = `${e.code}: ${e.message}`;
    return;
  }
  const status = $('whatif-status');
  status.textContent = `${history.length} 件历史纠纷 disputes, ${c.changed.length} 件处理方式改变 handled differently`;
  status.dataset.changed = String(c.changed.length);
  const pct = (x) => (100 * x).toFixed(1);
  const rows = [
    ['社区化解率 % community rate', pct(c.a.community_rate), pct(c.b.community_rate)],
    ['街道化解率 % street rate', pct(c.a.street_rate), pct(c.b.street_rate)],
    ['预计红灯 predicted red', c.a.predicted_red, c.b.predicted_red],
    ['人均承办最多 load max', c.a.load_max, c.b.load_max],
    ['负载均衡度 load fairness', c.a.load_fairness.toFixed(3), c.b.load_fairness.toFixed(3)],
  ];
  $('whatif').querySelector('tbody').innerHTML = rows.map((r) => `<tr><td>${r[0]}</td><td>${r[1]}</td><td>${r[2]}</td></tr>`).join('');
  const levels = Object.keys(LEVEL_ZH).filter((l) => c.a.levels[l] || c.b.levels[l])
    .map((l) => [LEVEL_ZH[l], c.a.levels[l] ?? 0, c.b.levels[l] ?? 0]);
  const people = [...new Set([...Object.keys(c.a.load), ...Object.keys(c.b.load)])]
    .map((s) => [`${s.split('-')[0]}…${s.slice(-4)}`, c.a.load[s] ?? 0, c.b.load[s] ?? 0, s])
    .sort((p, q) => Math.max(q[1], q[2]) - Math.max(p[1], p[2]) || p[3].localeCompare(q[3]))
    .slice(0, 10);
  $('charts').innerHTML = bars('各层级承办件数 cases per level', levels) + bars('承办最多的人员 busiest people', people);
}

async function load(file) {
  const text = await file.text();
  try {
    history = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  } catch (e) {
    $('whatif-status').textContent = `${file.name}: ${e.message}`;
    return;
  }
  whatIf();
}

async function main() {
  await init();
  $('version').textContent = version();
  const world = await (await fetch('./world-small.json')).json();
  engine = new Engine(world);
  const start = await (await fetch('./rules-labour-to-street.json')).text();
  $('rules').value = start;
  $('rules').addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { if (validate()) whatIf(); }, 250);
  });
  $('rules').addEventListener('scroll', () => { $('gutter').scrollTop = $('rules').scrollTop; });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer.files[0]) load(e.dataTransfer.files[0]);
  });
  $('history').addEventListener('change', (e) => { if (e.target.files[0]) load(e.target.files[0]); });
  validate();
  $('status').textContent = '就绪 ready: 编辑规则，拖入历史文件 — edit the rules, drop a history file';
  $('status').dataset.ready = 'yes';
}

main().catch(fail);
