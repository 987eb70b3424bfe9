// The grid worker's offline capture page (examples/web/capture.html), on the package's
// `fengqiao/offline` entry. Phone-sized and in Chinese. A service worker (capture-sw.js)
// keeps the page, its scripts and the .wasm, so it reloads without signal; the engine and
// its journal live in IndexedDB (see the package's offline-worker.js). Sync sends captures to
// the street's system (street-server.mjs) and shows what could not be merged.
import { openCapture } from 'fengqiao/offline';

const $ = (id) => document.getElementById(id);
const CATEGORY = {
  neighbour: '邻里纠纷', marriage_family: '婚姻家庭', housing_homestead: '房屋宅基地', labour: '劳动争议',
  property_management: '物业纠纷', damages: '损害赔偿', forest_land: '山林土地', contract: '合同纠纷', other: '其他',
};
const STATE = {
  registered: '已登记', accepted: '已受理', mediating: '调解中', resolved: '已调解', stabilised: '已稳控',
  terminated: '调解终止', referred: '已移送', closed: '已办结', transferred_out: '已上报街道',
};
const LEVEL = { county: '县（市）', street: '街道', community: '村（社区）', grid: '网格' };
const SYNC = { here: '仅在本机', sent: '已上报', street: '街道已接收' };
const KIND = { duplicate: '疑似重复', changed: '街道已改动', rules: '规则已更新', refused: '被退回', trace: '留痕不符' };
let phone;
let formKey = crypto.randomUUID(); // one per filled form: a double tap registers once

function online(yes) {
  $('net').dataset.online = yes ? 'yes' : 'no';
  $('net').textContent = yes ? '在线' : '离线';
}

function say(id, text, error) {
  $(id).textContent = text;
  $(id).classList.toggle('error', Boolean(error));
}

/** Keeps the page's own files for offline reloads (the worker's are kept as they load). */
async function keepForOffline() {
  if (!('serviceWorker' in navigator)) return;
  await navigator.serviceWorker.register('capture-sw.js');
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise((ok) => navigator.serviceWorker.addEventListener('controllerchange', ok, { once: true }));
  }
  const urls = [location.href, ...[...document.querySelectorAll('script[src], link[rel="stylesheet"], link[rel="modulepreload"]')].map((e) => e.src || e.href)];
  await Promise.all(urls.map((u) => fetch(u).catch(() => null)));
}

async function render() {
  const st = await phone.status();
  $('setup').hidden = st.ready;
  for (const id of ['capture', 'sync-panel', 'cases-panel']) $(id).hidden = !st.ready;
  document.body.dataset.ready = st.ready ? 'yes' : 'no';
  if (!st.ready) return;
  $('who').textContent = `${st.actor.staff} · 设备号 ${st.device} · 规则 ${st.rules ?? '默认'} · 待同步 ${st.unsent + st.pending}`;
  $('who').dataset.device = st.device;
  const cases = await phone.cases();
  $('case-count').textContent = `${cases.length} 件`;
  $('cases').replaceChildren(...cases.map(caseItem));
  const conflicts = await phone.conflicts();
  $('conflicts-panel').hidden = conflicts.length === 0;
  $('conflict-count').textContent = `${conflicts.length} 项`;
  $('conflicts').replaceChildren(...conflicts.map(conflictItem));
}

function caseItem(c) {
  const li = document.createElement('li');
  li.dataset.case = c.case;
  li.dataset.sync = c.sync;
  const r = c.routing;
  const state = c.street ? c.street.state : c.state;
  li.dataset.state = state;
  const where = r ? `${LEVEL[r.level] ?? r.level} ${r.unit}` : '未分流';
  const d = r?.deadlines;
  const limit = d ? `${d.accept ? ` · ${d.accept.red} 个工作日内受理` : ''}${d.handle ? ` · ${d.handle.red} 个工作日内化解` : ''}` : '';
  li.innerHTML = `<div><b class="state"></b><span class="badge" data-sync="${c.sync}"></span>${c.pending ? `<span class="badge pending">待发 ${c.pending}</span>` : ''}</div>
    <div class="code"></div><div class="route"></div><div class="actions"></div>`;
  li.querySelector('.state').textContent = STATE[state] ?? state;
  li.querySelector('.badge').textContent = SYNC[c.sync];
  li.querySelector('.code').textContent = c.case;
  li.querySelector('.route').textContent = `分流：${where}${limit}${c.street?.rule_set ? ` · ${c.street.rule_set}` : ''}`;
  for (const [label, op] of [
    ['受理', { op: 'accept' }],
    ['风险升级', { op: 'reassess', risk: 'orange', reason: '走访发现矛盾有激化苗头' }],
    ['记录调解', { op: 'record_session', method: 'home_visit', parties_consent: true, summary: '入户调解' }],
  ]) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'small';
    b.dataset.op = op.op;
    b.textContent = label;
    b.onclick = () => act(c.case, op);
    li.querySelector('.actions').append(b);
  }
  return li;
}

function conflictItem(c) {
  const li = document.createElement('li');
  li.dataset.kind = c.kind;
  li.dataset.case = c.case;
  li.innerHTML = '<span class="kind"></span> <span class="code"></span><div class="message"></div>';
  li.querySelector('.kind').textContent = KIND[c.kind] ?? c.kind;
  li.querySelector('.code').textContent = c.case;
  li.querySelector('.message').textContent = c.message;
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'small';
  b.textContent = '知道了';
  b.onclick = async () => { await phone.dismiss(c.id); await render(); };
  li.append(b);
  return li;
}

async function act(code, op) {
  try {
    const r = await phone.record(code, op);
    say('form-status', r.applied === 'here' ? `已记录 ${code}` : `已保存，联网后发往街道 ${code}`);
  } catch (e) {
    say('form-status', `${e.code}: ${e.message}`, true);
  }
  await render();
}

let residents = []; // the worker's view of the residents, for the party lists

async function people() {
  const list = await phone.people();
  residents = list;
  for (const id of ['party-a', 'party-b']) {
    $(id).replaceChildren(...list.map((p) => new Option(`${p.name} (${p.household.slice(-4)})`, p.id)));
  }
  if ($('party-b').options.length > 1) $('party-b').selectedIndex = 1;
}

async function register(ev) {
  ev.preventDefault();
  const a = residents.find((p) => p.id === $('party-a').value);
  const input = {
    category: $('category').value,
    channel: 'household_visit',
    parties: [{ person: $('party-a').value }, { person: $('party-b').value }],
    location: a.household,
    urgency: $('urgency').value,
    risk: $('risk').value,
    discovered_at: new Date().toISOString(),
    description: $('description').value,
    idempotency_key: formKey,
  };
  try {
    const r = await phone.capture(input);
    formKey = crypto.randomUUID();
    $('description').value = '';
    say('form-status', `已登记 ${r.case}：${r.routing ? `${LEVEL[r.routing.level] ?? r.routing.level}处理` : '待分流'}`);
  } catch (e) {
    // Not saved: the form keeps what was typed, and its key, for a retry.
    say('form-status', `未保存：${e.message}`, true);
    $('form-status').dataset.code = e.code ?? '';
  }
  await render();
}

async function sync() {
  say('sync-status', '同步中…');
  try {
    const r = await phone.sync();
    say('sync-status', `已同步：发出 ${r.sent} 件，街道新接收 ${r.added ? r.received : 0} 件，更新 ${r.updated} 件，待核实 ${r.conflicts} 项（${r.ms} 毫秒）`);
    $('sync-status').dataset.sent = r.sent;
    $('sync-status').dataset.added = r.added;
    $('sync-status').dataset.ms = r.ms;
    online(true);
  } catch (e) {
    say('sync-status', e.code === 'offline' ? '无信号，已保存在本机，稍后再同步' : `同步失败：${e.message}`, true);
    if (e.code === 'offline') online(false);
  }
  $('sync-status').dataset.done = String(Date.now());
  await render();
}

async function setup() {
  try {
    await phone.setup({ server: location.origin, worker: $('worker').value });
    await people();
  } catch (e) {
    say('sync-status', `领取失败：${e.message}`, true);
  }
  await render();
}

async function main() {
  online(navigator.onLine);
  addEventListener('online', () => online(true));
  addEventListener('offline', () => online(false));
  for (const [k, zh] of Object.entries(CATEGORY)) $('category').add(new Option(zh, k));
  const w = new URLSearchParams(location.search).get('worker');
  if (w) $('worker').value = w;
  try {
    await keepForOffline();
  } catch {
    // Without a service worker the page still works; it only will not reload offline.
  }
  phone = await openCapture();
  window.fengqiaoCapture = phone; // for the tests and a curious developer
  $('do-setup').onclick = setup;
  $('form').onsubmit = register;
  $('sync').onclick = sync;
  if ((await phone.status()).ready) await people();
  await render();
}

main().catch((e) => say('sync-status', `启动失败：${e.message}`, true));
