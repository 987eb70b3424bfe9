// The street's system for the offline-capture example (examples/web/capture.html): a small
// Node server on the fengqiao package, standing for a vendor's 综治 back end. It keeps one
// engine over the street's world, journaled to a file (restored on start), issues capture
// devices to grid workers' phones, takes their captures in as exchange documents (intake is
// idempotent), applies their later steps only where the case has not moved on, and answers
// with the street's side of each case. It also serves the built pages, so the page and its
// server share one origin.
//
//   node street-server.mjs --state DIR [--port 8080] [--dist dist] [--world ../data/world-small.json]
//
// Endpoints (JSON): GET /api/ping · POST /api/setup {worker} · POST /api/sync {device, documents, steps, known}
// · for the street's own staff (and the tests): GET /api/street/cases, POST /api/street/apply
// {case, operation}, POST /api/street/rules {rules}.
import http from 'node:http';
import fs from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { Engine } from 'fengqiao';

const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) => (v.startsWith('--') ? [...a, [v.slice(2), all[i + 1]]] : a), []));
const here = new URL('.', import.meta.url).pathname;
const state = args.state ?? fail('--state DIR is required');
const dist = args.dist ?? join(here, 'dist');
const world = JSON.parse(fs.readFileSync(args.world ?? join(here, '../data/world-small.json'), 'utf8'));
const STREET = '522301001000';
const centre = { staff: `cs-${STREET}` };

function fail(message) {
  console.error(message);
  process.exit(2);
}

fs.mkdirSync(state, { recursive: true });
const journalPath = join(state, 'journal.jsonl');
const devicesPath = join(state, 'devices.json');
const stepsPath = join(state, 'steps.jsonl');
const read = (p, d) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : d);
const engine = fs.existsSync(journalPath) ? Engine.restore(world, read(journalPath, '')) : new Engine(world);
let stored = engine.journalHead().seq;
const devices = JSON.parse(read(devicesPath, '{}')); // device number -> grid worker
const steps = new Map(read(stepsPath, '').split('\n').filter(Boolean).map((l) => { const s = JSON.parse(l); return [s.id, s]; }));

/** Appends what the engine journaled since the last call to the journal file, synced. */
function store() {
  const text = engine.journal(stored, 1e9);
  if (!text) return;
  appendSynced(journalPath, text);
  stored = engine.journalHead().seq;
}

function appendSynced(path, text) {
  const fd = fs.openSync(path, 'a');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function errorOf(e) {
  return { code: e?.code ?? 'internal', message: e?.message ?? String(e) };
}

const api = {
  // Whether the street can be reached, asked before a sync commits its transfers.
  'GET /api/ping': () => ({ street: STREET }),
  'POST /api/setup': ({ worker }) => {
    const staff = world.staff.find((s) => s.id === worker);
    // Grid workers (网格员) and household-group heads (联户长) capture in the field.
    if (!staff || !/^(gw|hh)-/.test(worker)) throw Object.assign(new Error(`worker: ${worker} is not a grid worker or household-group head of this street`), { code: 'not_found' });
    const device = Object.keys(devices).length + 1;
    devices[device] = worker;
    fs.writeFileSync(devicesPath, JSON.stringify(devices));
    // The worker's view of the world (identifiers masked as the worker may see them), with
    // the device number and the street's rules in force.
    const view = engine.world({ staff: worker }, Date.now());
    store(); // a whole read may journal its audit entry
    return { device, street: STREET, world: { ...view, capture_device: device } };
  },
  'POST /api/sync': ({ device, documents = [], steps: sent = [], known = {} }) => {
    const worker = devices[device];
    if (!worker) throw Object.assign(new Error(`device: ${device} was never issued here`), { code: 'not_found' });
    const now = Date.now();
    const received = documents.map((doc) => {
      try {
        const r = engine.intake(centre, JSON.stringify(doc), null, now);
        return { case: r.case, added: r.added };
      } catch (e) {
        return { case: doc?.case ?? null, error: errorOf(e) };
      }
    });
    const answered = sent.map((s) => {
      const before = steps.get(s.id);
      if (before) return before; // sent again after a lost answer: the same answer
      let answer;
      try {
        // A step recorded behind another applies to the case as that one left it; the first
        // to the case as the phone last saw it.
        let expected = s.expected_seq;
        if (s.after) {
          const prior = steps.get(s.after);
          if (!prior || prior.error) {
            throw Object.assign(new Error(`the step recorded before it (${s.after}) was not applied`), { code: 'conflict' });
          }
          expected = prior.seq;
        }
        const d = engine.applyExpecting({ staff: worker }, s.case, s.operation, expected, s.at);
        const seq = engine.trace(centre, s.case, now).at(-1).seq;
        answer = { id: s.id, case: s.case, state: d.state, seq };
      } catch (e) {
        answer = { id: s.id, case: s.case, error: errorOf(e) };
      }
      steps.set(s.id, answer);
      store();
      appendSynced(stepsPath, `${JSON.stringify(answer)}\n`);
      return answer;
    });
    store();
    // The street's side of each case the phone sent, where it moved on since the phone saw
    // it (its head), read as the worker may read it; and what may be the same matter.
    const mine = new Set([...Object.keys(known), ...received.filter((r) => !r.error).map((r) => r.case)]);
    const cases = {};
    const duplicates = [];
    const asWorker = { staff: worker };
    for (const code of mine) {
      try {
        if (known[code] !== engine.caseHead(code)) cases[code] = engine.traceJsonl(asWorker, code, now);
        const others = engine.possibleDuplicates(asWorker, code, now);
        if (others.length) duplicates.push({ case: code, others });
      } catch {
        // Not a case here, or not the worker's to read: nothing to send back.
      }
    }
    store();
    const rules = engine.rules();
    return { received, steps: answered, cases, duplicates, rules: { label: `${rules.id}@${rules.version}`, rules } };
  },
  'GET /api/street/cases': () => {
    const now = Date.now();
    const out = engine.caseCodes(centre, now).map((code) => {
      let verified = true;
      try {
        engine.verify(code);
      } catch {
        verified = false;
      }
      const trace = engine.trace(centre, code, now);
      return { case: code, state: engine.viewCase(centre, code, now).dispute.state, events: trace.map((e) => e.op.op ?? Object.keys(e.op)[0]), verified };
    });
    store();
    return out;
  },
  'POST /api/street/apply': ({ case: code, operation, actor }) => {
    const d = engine.apply(actor ?? centre, code, operation, Date.now());
    store();
    return { case: code, state: d.state };
  },
  'POST /api/street/rules': ({ rules }) => {
    const diagnostics = engine.loadRules(centre, rules, Date.now());
    store();
    return { label: `${rules.id}@${rules.version}`, diagnostics };
  },
};

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png' };

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const route = api[`${req.method} ${url.pathname}`];
  if (route) {
    let body = '';
    for await (const chunk of req) body += chunk;
    try {
      const result = route(body ? JSON.parse(body) : {});
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    } catch (e) {
      res.writeHead(e?.code === 'not_found' ? 404 : 400, { 'content-type': 'application/json' }).end(JSON.stringify(errorOf(e)));
    }
    return;
  }
  const path = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
  try {
    const file = join(dist, path.endsWith('/') ? `${path}capture.html` : path);
    const body = await fs.promises.readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    res.end(body);
  } catch {
    res.writeHead(404).end('not found');
  }
});
server.listen(Number(args.port ?? 8080), '127.0.0.1', () => {
  // The first line a parent process reads: where the street listens.
  console.log(`street server: http://127.0.0.1:${server.address().port}/ (state ${state}, ${engine.caseCodes(centre, Date.now()).length} cases restored)`);
});
