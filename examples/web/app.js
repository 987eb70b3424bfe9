// The grid worker's and the centre's view, on the fengqiao npm package: browse the Sajin
// Street hierarchy, register a dispute, see its routing and explanation, step it through its
// lifecycle with its trace, see the statistics as a table and a chart, and run a batch of
// decisions in a Web Worker beside the same batch on the page's own thread.
import init, { Engine, version, defaultRules } from 'fengqiao';
import { spawn } from 'fengqiao/worker';

const $ = (id) => document.getElementById(id);
const CATEGORY_ZH = {
  marriage_family: '婚姻家庭', neighbour: '邻里', housing_homestead: '房屋宅基地', contract: '合同', business: '生产经营',
  damages: '损害赔偿', forest_land: '山林土地', expropriation: '征地拆迁', environment: '环境污染', labour: '劳动争议',
  consumer: '消费', medical: '医疗', traffic: '道路交通事故', property_management: '物业', education: '教育', other: '其他',
};
const LEVEL_ZH = { county: '县（市）', street: '街道', community: '村（社区）', grid: '网格' };
let engine;
let worldBytes; // the world document as loaded, for the worker
let current = null; // the case shown
let clock = Date.UTC(2025, 8, 22, 1, 0); // simulated time, advanced by each step
const tick = (hours = 2) => (clock += hours * 3600 * 1000);

function fail(e) {
  $('status').innerHTML = `<span class="error">${e.code ?? 'error'}: ${e.message}</span>`;
}

function node(unit) {
  const li = document.createElement('li');
  const span = document.createElement('span');
  span.textContent = `${unit.name || unit.kind} ${unit.code}`;
  span.dataset.code = unit.code;
  span.dataset.kind = unit.kind;
  li.append(span);
  span.addEventListener('click', () => {
    document.querySelectorAll('.tree span.selected').forEach((s) => s.classList.remove('selected'));
    span.classList.add('selected');
    if (unit.kind === 'household') {
      $('location').value = unit.code;
      return;
    }
    if (li.querySelector('ul')) { li.querySelector('ul').remove(); return; }
    const ul = document.createElement('ul');
    for (const child of engine.children(unit.code)) ul.append(node(child));
    li.append(ul);
  });
  return li;
}

function showDecision(d) {
  const team = d.team.map((m) => `<li>${m.role} · ${m.staff}</li>`).join('');
  const agencies = (d.agencies ?? []).map((a) => `<li>${a.kind} · ${a.agency ?? '—'}</li>`).join('');
  const rules = d.explanation.rules.map((r) => `<li><code>${r.id}</code> ${r.description}</li>`).join('');
  $('decision').innerHTML = `
    <p>处置层级 <span class="level" id="decision-level">${LEVEL_ZH[d.level] ?? d.level}</span> (${d.level}) · ${d.unit}</p>
    <p>团队 team</p><ul id="team">${team}</ul>
    <p>联动 agencies</p><ul>${agencies || '<li>—</li>'}</ul>
    <p>命中规则 matched rules</p><ul>${rules}</ul>`;
}

function showCase() {
  const c = engine.viewCase('system', current, clock);
  $('case-state').textContent = `${current} · 状态 ${c.dispute.state} · 办理单位 ${c.dispute.handling_unit}`;
  const rows = engine.trace('system', current, clock).map((e) => {
    const who = typeof e.actor === 'string' ? e.actor : Object.values(e.actor)[0];
    return `<tr><td>${e.seq}</td><td>${e.op.op}</td><td>${who}</td><td><code>${e.hash.slice(0, 12)}…</code></td></tr>`;
  });
  document.querySelector('#trace tbody').innerHTML = rows.join('');
  const d = c.dispute;
  const mediator = { staff: d.routing?.team.find((m) => m.role === 'mediator')?.staff ?? d.routing?.team[0]?.staff };
  const steps = {
    registered: [['受理 accept', { op: 'accept' }]],
    accepted: [['调解 session', { op: 'record_session', method: 'bench_meeting', parties_consent: true }],
      ['稳控 stabilise', { op: 'stabilise', plan: '联户长每日关注', next_review: '2025-12-31' }]],
    // A written agreement (调解协议书), signed and sealed: labour disputes and agreements with
    // money need one (劳动争议调解仲裁法 art. 14; 司法部令第75号 art. 34).
    mediating: [['化解 resolve', { op: 'resolve', agreement: { form: 'written', effective_on: new Date(clock + 8 * 3600e3).toISOString().slice(0, 10), terms: '双方和解', parties_signed: true, mediator_signed: true, committee_sealed: true } }]],
    resolved: [['回访 verify', { op: 'verify', satisfied: true }], ['结案 close', { op: 'close' }]],
    stabilised: [['回访 verify', { op: 'verify', satisfied: true }]],
  }[d.state] ?? [];
  $('actions').innerHTML = '';
  for (const [label, op] of steps) {
    const b = document.createElement('button');
    b.textContent = label;
    b.dataset.op = op.op;
    b.addEventListener('click', () => {
      try {
        const actor = op.op === 'verify' ? { staff: `gw-${d.input.location.slice(0, 15)}` } : mediator;
        engine.apply(op.op === 'close' ? { staff: `cs-${d.handling_unit.slice(0, 12)}` } : actor, current, op, tick());
        showCase();
        showStats();
      } catch (e) { fail(e); }
    });
    $('actions').append(b);
  }
}

function register(category, location, extra = {}) {
  const people = engine.residents('system', location, clock);
  const parties = people.slice(0, 2).map((p) => ({ person: p.id }));
  const input = {
    category, channel: 'household_visit', parties, location,
    urgency: $('urgency').value, risk: $('risk').value, headcount: Number($('headcount').value) || 0,
    flags: [...document.querySelectorAll('.flags input:checked')].map((c) => c.value),
    description: $('description').value, discovered_at: new Date(clock - 3600e3).toISOString(), ...extra,
  };
  const gw = { staff: `gw-${location.slice(0, 15)}` };
  const code = engine.register(gw, input, tick());
  const decision = engine.route('system', code, tick(0));
  return { code, decision };
}

function showStats() {
  const r = engine.statistics('system', { by_category: true }, clock);
  const rows = r.rows.map((x) => `<tr><td>${CATEGORY_ZH[x.category]}</td><td>${x.counts.screened}</td><td>${x.counts.mediated}</td><td>${x.counts.stabilised}</td></tr>`);
  document.querySelector('#stats tbody').innerHTML = rows.join('');
  const max = Math.max(1, ...r.rows.map((x) => x.counts.screened));
  const w = 520, h = 220, bw = Math.max(8, Math.floor((w - 20) / Math.max(1, r.rows.length)) - 6);
  $('chart').innerHTML = r.rows.map((x, i) => {
    const bh = Math.round((h - 40) * x.counts.screened / max);
    const xpos = 10 + i * (bw + 6);
    return `<rect class="bar" x="${xpos}" y="${h - 20 - bh}" width="${bw}" height="${bh}" fill="#8b1e1e"><title>${CATEGORY_ZH[x.category]} ${x.counts.screened}</title></rect>
      <text x="${xpos}" y="${h - 6}" font-size="10">${CATEGORY_ZH[x.category].slice(0, 2)}</text>`;
  }).join('');
}

// The dispute the timing batches decide, at household `i % 38 + 1` of the first grid.
function sample(i) {
  const hh = `522301001001001${String(1 + (i % 38)).padStart(2, "0")}01`;
  return {
    category: ['neighbour', 'labour', 'marriage_family', 'property_management'][i % 4], channel: 'household_visit',
    parties: [{ household: hh }], location: hh, urgency: 'medium', risk: i % 5 ? 'yellow' : 'orange',
    discovered_at: new Date(clock - 3600e3).toISOString(),
  };
}

// The same batch of decisions on this thread and in a worker (the world sent to it as JSON
// bytes, transferred), with the times shown and kept on the panel's dataset for the test.
async function compareWorker() {
  const n = 200;
  const panel = $('worker-result');
  panel.textContent = '…';
  const t0 = performance.now();
  const bytes = worldBytes.slice(); // a copy: spawn transfers its buffer to the worker
  const size = bytes.byteLength;
  const remote = await spawn(bytes);
  const t1 = performance.now();
  try {
    await remote.decideInput(sample(0)); // warm
    const t2 = performance.now();
    const far = [];
    for (let i = 0; i < n; i++) far.push(remote.decideInput(sample(i)));
    const decided = await Promise.all(far);
    const t3 = performance.now();
    for (let i = 0; i < n; i++) engine.decideInput(sample(i));
    const t4 = performance.now();
    const same = decided.every((d, i) => d.level === engine.decideInput(sample(i)).level);
    const worker = (t3 - t2) / n, direct = (t4 - t3) / n;
    panel.dataset.workerUs = String(Math.round(worker * 1000));
    panel.dataset.directUs = String(Math.round(direct * 1000));
    panel.dataset.same = same ? 'yes' : 'no';
    panel.dataset.n = String(decided.length);
    panel.textContent = `world ${(size / 1e6).toFixed(1)} MB to the worker in ${Math.round(t1 - t0)} ms; ` +
      `${n} decisions: worker ${worker.toFixed(3)} ms each, this thread ${direct.toFixed(3)} ms each; same decisions: ${same ? 'yes' : 'NO'}`;
  } finally {
    remote.terminate();
  }
}

async function main() {
  await init();
  $('version').textContent = version();
  for (const [k, zh] of Object.entries(CATEGORY_ZH)) $('category').add(new Option(`${zh} ${k}`, k));
  const t0 = performance.now();
  // The world as a host serves it: a JSON document, read as bytes and handed to the engine
  // without making a JS string of it (written by `cargo run -p fengqiao-synth --example
  // sajin_world_json`).
  const response = await fetch(new URL('world-sajin.json', document.baseURI));
  if (!response.ok) throw new Error(`world-sajin.json: HTTP ${response.status}`);
  worldBytes = new Uint8Array(await response.arrayBuffer());
  engine = Engine.fromJsonBytes(worldBytes);
  for (const root of engine.roots()) $('tree').append(node(root));
  $('location').value = '5223010010010010101';
  // First load to first decision: from navigation start (performance.now() counts from it)
  // to a routing decision on the world just built.
  engine.decideInput(sample(0));
  const first = performance.now();
  $('status').textContent = `就绪 ready · Sajin world (${(worldBytes.byteLength / 1e6).toFixed(1)} MB of JSON) loaded in ${Math.round(first - t0)} ms · first decision ${Math.round(first)} ms after navigation · rules ${defaultRules().id}`;
  $('status').dataset.firstDecisionMs = String(Math.round(first));
  $('status').dataset.ready = 'yes';
  $('worker-run').addEventListener('click', () => compareWorker().catch(fail));
  $('dispute-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    try {
      const { code, decision } = register($('category').value, $('location').value);
      current = code;
      showDecision(decision);
      showCase();
      showStats();
    } catch (e) { fail(e); }
  });
  $('simulate').addEventListener('click', () => {
    try {
      const cats = ['marriage_family', 'neighbour', 'labour', 'property_management', 'education', 'contract'];
      for (let i = 0; i < 30; i++) {
        const pad = (n, w) => String(n).padStart(w, '0');
        const hh = `522301001${pad(1 + (i % 4), 3)}${pad(1 + (i % 14), 3)}${pad(1 + (i % 38), 2)}${pad(1 + (i % 10), 2)}`;
        const { code } = register(cats[i % cats.length], hh);
        if (i % 3 !== 2) {
          const d = engine.viewCase('system', code, clock).dispute;
          const m = { staff: d.routing.team.find((x) => x.role === 'mediator')?.staff ?? `cs-${d.handling_unit.slice(0, 12)}` };
          engine.apply(m, code, { op: 'accept' }, tick());
          engine.apply(m, code, { op: 'record_session', method: 'home_visit', parties_consent: true }, tick());
        }
      }
      showStats();
    } catch (e) { fail(e); }
  });
}

main().catch(fail);
