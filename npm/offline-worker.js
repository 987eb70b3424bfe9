// Runs inside a Web Worker: a grid worker's offline capture (离线采集). One fengqiao engine
// over the street's world, numbered as the phone's capture device, journaled into IndexedDB;
// captures and later steps go to the street's system when the signal returns, and the
// street's side of each case comes back. Driven by the messages of ./offline.js:
// `{ id, method, args }` answered `{ id, ok, result }` or `{ id, ok: false, error }`.
//
// Durability: every accepted change is in IndexedDB before its promise resolves. A write
// IndexedDB refuses (a full quota) rebuilds the engine from what IndexedDB holds, so memory
// never runs ahead of storage, and rejects with `storage_full`: the capture is not made, the
// page keeps the form, nothing is silently dropped.
import init, { Engine, traceVerify } from './web/fengqiao_wasm.js';

const ready = init();
const STORES = ['meta', 'journal', 'mirror', 'pending', 'conflicts'];
let db = null;
let engine = null;
let meta = null; // { world, device, actor, street, server, seq, acked: {}, rules }

function fail(code, message, details) {
  return Object.assign(new Error(message), { name: 'FengqiaoError', code, details });
}

function request(r) {
  return new Promise((ok, no) => {
    r.onsuccess = () => ok(r.result);
    r.onerror = () => no(r.error);
  });
}

function openDb(name) {
  const r = indexedDB.open(name, 1);
  r.onupgradeneeded = () => {
    const d = r.result;
    d.createObjectStore('meta');
    d.createObjectStore('journal');
    d.createObjectStore('mirror');
    d.createObjectStore('pending', { autoIncrement: true });
    d.createObjectStore('conflicts', { autoIncrement: true });
  };
  return request(r);
}

/** Writes one step's records in one transaction; resolves once IndexedDB has them. */
function commit(write) {
  return new Promise((ok, no) => {
    let tx;
    try {
      tx = db.transaction(STORES, 'readwrite');
    } catch (e) {
      no(e);
      return;
    }
    const s = Object.fromEntries(STORES.map((n) => [n, tx.objectStore(n)]));
    tx.oncomplete = () => ok();
    tx.onerror = () => no(tx.error);
    tx.onabort = () => no(tx.error ?? new DOMException('aborted', 'AbortError'));
    try {
      write(s);
    } catch (e) {
      tx.abort();
      no(e);
    }
  });
}

async function all(store) {
  const tx = db.transaction(store, 'readonly');
  const os = tx.objectStore(store);
  const [keys, values] = await Promise.all([request(os.getAllKeys()), request(os.getAll())]);
  return keys.map((k, i) => [k, values[i]]);
}

/** The engine as IndexedDB holds it: the world and every journal entry stored. */
async function restore() {
  const lines = (await all('journal')).map(([, line]) => line);
  engine?.free();
  engine = Engine.restore(meta.world, lines.length ? `${lines.join('\n')}\n` : '');
  meta.seq = engine.journalHead().seq;
}

/**
 * Stores what the engine journaled since the last commit, with `more` records in the same
 * transaction. On a refusal the engine is rebuilt from storage and the error is typed.
 */
async function persist(more) {
  const text = engine.journal(meta.seq, 1e9);
  const lines = text ? text.trimEnd().split('\n') : [];
  const first = meta.seq + 1;
  const next = { ...meta, seq: meta.seq + lines.length };
  try {
    await commit((s) => {
      lines.forEach((line, i) => s.journal.put(line, first + i));
      s.meta.put(next, 'meta');
      more?.(s);
    });
    meta = next;
  } catch (e) {
    await restore();
    if (e?.name === 'QuotaExceededError') {
      throw fail('storage_full', '手机存储空间已满：本次记录未保存，请清理空间后重试 (storage full: nothing was saved)', { cause: e.name });
    }
    throw fail('storage', `本地存储失败：${e?.message ?? e} (nothing was saved)`, { cause: e?.name });
  }
}

function now() {
  return Date.now();
}

/** A case's state in this phone's engine (`transferred_out` once it went to the street). */
function localState(code) {
  const v = engine.viewCase(meta.actor, code, now());
  return v.dispute.state;
}

async function setup(options) {
  if (meta) {
    // A second setup would start a new journal over the stored one.
    throw fail('lifecycle', `this phone is already set up as device ${meta.device}: its captures are in its journal`, { argument: 'setup' });
  }
  const { server, worker } = options ?? {};
  if (typeof server !== 'string' || typeof worker !== 'string') {
    throw fail('invalid_input', 'setup needs { server, worker }: the street system\'s address and the worker\'s staff id', { argument: 'options' });
  }
  const res = await fetch(`${server}/api/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ worker }),
  });
  if (!res.ok) throw fail('sync', `setup refused: ${res.status} ${await res.text()}`);
  const s = await res.json();
  meta = { world: s.world, device: s.device, actor: { staff: worker }, street: s.street, server, seq: 0, acked: {} };
  engine?.free();
  engine = new Engine(meta.world);
  await persist();
  return status();
}

async function open(name) {
  await ready;
  db = await openDb(name);
  const tx = db.transaction('meta', 'readonly');
  meta = (await request(tx.objectStore('meta').get('meta'))) ?? null;
  if (meta) await restore();
  return status();
}

async function status() {
  if (!meta) return { ready: false };
  const codes = engine.caseCodes(meta.actor, now());
  const pending = await all('pending');
  const conflicts = await all('conflicts');
  const unsent = codes.filter((c) => !meta.acked[c]);
  return {
    ready: true,
    device: meta.device,
    actor: meta.actor,
    street: meta.street,
    rules: engine.rules().id ? `${engine.rules().id}@${engine.rules().version}` : null,
    cases: codes.length,
    unsent: unsent.length,
    pending: pending.length,
    conflicts: conflicts.length,
  };
}

async function capture(input) {
  if (!input?.idempotency_key) throw fail('invalid_input', 'a capture needs its idempotency_key: one per form, so that a double tap makes one case', { argument: 'input.idempotency_key' });
  const t = now();
  const code = engine.register(meta.actor, input, t);
  // Routed here with the rules the phone holds: the worker sees who handles it and by when.
  // A routing the rules cannot make does not undo the capture: it is stored unrouted, and
  // the street routes it.
  let routing_error = null;
  try {
    if (localState(code) === 'registered' && !view(code).routing) engine.route('system', code, t);
  } catch (e) {
    routing_error = errorOf(e);
  }
  await persist();
  return { ...view(code), routing_error };
}

/** A step on a case: applied here while the phone holds it, queued for the street after. */
async function record(code, operation) {
  const t = now();
  if (!meta.acked[code] && localState(code) !== 'transferred_out') {
    engine.apply(meta.actor, code, operation, t);
    await persist();
    return { case: code, applied: 'here' };
  }
  const mirror = await get('mirror', code);
  if (!mirror) throw fail('lifecycle', `case ${code} was sent and the street's side has not come back yet: sync first`);
  // A step waiting behind another for this case applies to the case as that one leaves it
  // (`after`: an operation may bring events of its own, so the number is the street's to
  // know); the first expects the case as the phone last saw it.
  const before = (await all('pending')).filter(([, p]) => p.case === code).map(([, p]) => p.id);
  const step = { case: code, operation, at: t, expected_seq: mirror.seq, after: before.at(-1) ?? null, id: crypto.randomUUID() };
  await persist((s) => s.pending.add(step));
  return { case: code, applied: 'queued' };
}

async function get(store, key) {
  const tx = db.transaction(store, 'readonly');
  return request(tx.objectStore(store).get(key));
}

function view(code) {
  const v = engine.viewCase(meta.actor, code, now());
  return { case: code, state: v.dispute.state, routing: v.dispute.routing ?? null, standing: v.standing ?? null };
}

async function cases() {
  const t = now();
  const mirrors = new Map(await all('mirror'));
  const pending = (await all('pending')).map(([, p]) => p);
  return engine.caseCodes(meta.actor, t).map((code) => {
    const m = mirrors.get(code);
    const here = view(code);
    return {
      ...here,
      sync: m ? 'street' : meta.acked[code] ? 'sent' : 'here',
      street: m ? { state: m.state, seq: m.seq, rule_set: m.rule_set, events: m.events } : null,
      pending: pending.filter((p) => p.case === code).length,
    };
  });
}

/** The residents of the worker's view of the world, for the page's party lists. */
async function people() {
  return (meta.world.people ?? []).map((p) => ({ id: p.id, name: p.name, household: p.household }));
}

async function conflicts() {
  return (await all('conflicts')).map(([id, c]) => ({ id, ...c }));
}

/** Removes a conflict the worker has dealt with; the same finding is not shown again. */
async function dismiss(id) {
  const c = await get('conflicts', id);
  if (!c) throw fail('not_found', `no conflict ${id}`, { argument: 'id', value: id });
  const next = { ...meta, dismissed: [...(meta.dismissed ?? []), conflictKey(c)] };
  await commit((s) => {
    s.conflicts.delete(id);
    s.meta.put(next, 'meta');
  });
  meta = next;
}

/** Sends what waits and takes back the street's side; every answer is stored in one go. */
async function sync() {
  const t0 = performance.now();
  // Without signal nothing is transferred: a case leaves the phone's hands only when the
  // street can be reached (and if the signal drops after, the documents go next time).
  try {
    const ping = await fetch(`${meta.server}/api/ping`, { cache: 'no-store' });
    if (!ping.ok) throw new Error(`HTTP ${ping.status}`);
  } catch (e) {
    throw fail('offline', `无法连接街道系统，稍后重试 (${e?.message ?? e})`);
  }
  const t = now();
  const to = { unit: meta.street };
  // Outbox: a case leaves with its whole trace (上报); the journal entry of its transfer is
  // stored before anything is sent, and a document unacknowledged is sent again (intake takes
  // the same document in once).
  const refusedHere = [];
  const outgoing = [];
  for (const code of engine.caseCodes(meta.actor, t)) {
    if (meta.acked[code]) continue;
    if (localState(code) !== 'transferred_out') {
      try {
        engine.transferOut('system', code, to, 'escalation', '网格员离线采集上报', t);
      } catch (e) {
        // Kept here and shown; the others go.
        refusedHere.push({ kind: 'refused', case: code, code: e.code ?? 'internal', message: `无法上报：${e.message}`, at: t });
        continue;
      }
    }
    outgoing.push(code);
  }
  await persist();
  const documents = outgoing.map((c) => engine.transferDocument(c, t));
  const steps = (await all('pending')).map(([key, p]) => ({ key, ...p }));
  // The cases the street holds for this phone, each with the head of its side as last seen
  // (null: not back yet): the street sends only what moved on.
  const mirrors = new Map(await all('mirror'));
  const known = Object.fromEntries(
    Object.entries(meta.acked).filter(([, a]) => a === true).map(([c]) => [c, mirrors.get(c)?.head ?? null]),
  );
  let res;
  try {
    res = await fetch(`${meta.server}/api/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device: meta.device, actor: meta.actor, documents, steps, known }),
    });
  } catch (e) {
    throw fail('offline', `无法连接街道系统，稍后重试 (${e?.message ?? e})`);
  }
  if (!res.ok) throw fail('sync', `the street's system answered ${res.status}: ${await res.text()}`);
  const answer = await res.json();
  return absorb(answer, steps, documents.length, t0, refusedHere);
}

async function absorb(answer, steps, sent, t0, refusedHere) {
  const t = now();
  const acked = { ...meta.acked };
  const found = [...refusedHere];
  for (const r of answer.received) {
    // A refused capture is not sent again (it would be refused again): the conflict keeps
    // it, and the phone's engine its whole record.
    if (r.error) found.push({ kind: 'refused', case: r.case, code: r.error.code, message: r.error.message, at: t });
    acked[r.case] = r.error ? 'refused' : true;
  }
  const done = [];
  for (const r of answer.steps) {
    const step = steps.find((s) => s.id === r.id);
    if (!step) continue;
    done.push(step.key);
    if (r.error) {
      const changed = r.error.code === 'conflict';
      found.push({
        kind: changed ? 'changed' : 'refused',
        case: step.case,
        code: r.error.code,
        message: changed
          ? `离线期间街道已处理此案，你记录的「${step.operation.op}」未生效，已保留在此：请查看最新情况后重新记录 (${r.error.message})`
          : `街道未接受你记录的「${step.operation.op}」 (${r.error.message})`,
        step: { operation: step.operation, at: step.at, expected_seq: step.expected_seq },
        at: t,
      });
    }
  }
  // The street's side of each case: its chain recomputed here and checked to continue the
  // events this phone sent (the street cannot rewrite what the worker recorded).
  const mirrors = [];
  for (const [code, trace] of Object.entries(answer.cases ?? {})) {
    const problem = checkContinues(code, trace);
    if (problem) {
      found.push({ kind: 'trace', case: code, code: 'trace', message: problem, at: t });
      continue;
    }
    const d = traceVerify(trace);
    const events = trace.trimEnd().split('\n').length;
    const head = JSON.parse(trace.trimEnd().split('\n').at(-1)).hash;
    mirrors.push([code, { trace, seq: events, head, state: d.state, rule_set: d.routing?.rule_set ?? null, events }]);
  }
  for (const d of answer.duplicates ?? []) {
    found.push({ kind: 'duplicate', case: d.case, others: d.others, code: 'duplicate', message: `可能与 ${d.others.join('、')} 为同一纠纷（同户或同一当事人），请街道核实`, at: t });
  }
  const current = answer.rules?.label ?? null;
  for (const [code, m] of mirrors) {
    if (current && m.rule_set && m.rule_set !== current && m.state !== 'closed') {
      found.push({ kind: 'rules', case: code, code: 'rule_set', message: `按规则 ${m.rule_set} 分流；街道现行 ${current}：重新分流前保持原决定`, captured_under: m.rule_set, current, at: t });
    }
  }
  // The street's rules, for what the phone captures next.
  const rules = engine.rules();
  if (answer.rules && `${rules.id}@${rules.version}` !== current) {
    engine.loadRules(meta.actor, answer.rules.rules, t);
  }
  meta = { ...meta, acked };
  // A conflict already shown or dismissed (the same duplicate is found at every sync) is not
  // added again.
  const held = new Set([...(await all('conflicts')).map(([, c]) => conflictKey(c)), ...(meta.dismissed ?? [])]);
  const fresh = found.filter((c) => !held.has(conflictKey(c)));
  await persist((s) => {
    for (const key of done) s.pending.delete(key);
    for (const [code, m] of mirrors) s.mirror.put(m, code);
    for (const c of fresh) s.conflicts.add(c);
  });
  return {
    sent,
    received: answer.received.filter((r) => !r.error).length,
    added: answer.received.reduce((n, r) => n + (r.added ?? 0), 0),
    steps: answer.steps.length,
    updated: mirrors.length,
    conflicts: fresh.length,
    ms: Math.round(performance.now() - t0),
  };
}

function conflictKey(c) {
  return JSON.stringify([c.kind, c.case, c.others ?? null, c.step?.at ?? null, c.current ?? null, c.code]);
}

/** Why the street's trace does not continue this phone's record of the case, or null. */
function checkContinues(code, trace) {
  let ours;
  try {
    ours = engine.traceJsonl('system', code, now()).trimEnd().split('\n');
  } catch {
    return null; // not captured here (a case the street handed to this worker)
  }
  const theirs = trace.trimEnd().split('\n');
  if (theirs.length < ours.length) return `the street's trace of ${code} is shorter than the one sent`;
  for (let i = 0; i < ours.length; i++) {
    if (JSON.parse(ours[i]).hash !== JSON.parse(theirs[i]).hash) {
      return `the street's trace of ${code} differs from what this phone recorded at event ${i + 1}`;
    }
  }
  try {
    traceVerify(trace);
  } catch (e) {
    return `the street's trace of ${code} does not verify: ${e.message}`;
  }
  return null;
}

const methods = { open, setup, status, capture, record, cases, people, conflicts, dismiss, sync };

function errorOf(e) {
  return { name: e?.name ?? 'Error', message: e?.message ?? String(e), code: e?.code, details: e?.details };
}

// One call at a time, in the order sent: a sync the page starts when the signal returns and
// a capture tapped meanwhile never interleave their journal writes.
let queue = Promise.resolve();

self.onmessage = (ev) => {
  queue = queue.then(() => handle(ev.data));
};

async function handle({ id, method, args }) {
  try {
    await ready;
    const f = methods[method];
    if (!f) throw fail('invalid_input', `offline capture has no method \`${method}\``);
    if (method !== 'open' && method !== 'setup' && method !== 'status' && !meta) {
      throw fail('lifecycle', 'this phone is not set up: call setup({ server, worker }) once, online');
    }
    const result = await f(...(args ?? []));
    self.postMessage({ id, ok: true, result });
  } catch (e) {
    self.postMessage({ id, ok: false, error: errorOf(e) });
  }
}
