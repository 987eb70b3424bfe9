// Node tests of the WebAssembly module: the whole API and its error cases.
// Run: node --test wasm/tests/   (after scripts/wasm-build.sh)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const fq = require('../../target/wasm/node/fengqiao_wasm.js');
const root = new URL('../../', import.meta.url);
const world = JSON.parse(readFileSync(new URL('examples/data/world-small.json', root), 'utf8'));
const dispute = JSON.parse(readFileSync(new URL('examples/data/dispute.json', root), 'utf8'));
const history = readFileSync(new URL('examples/data/history.jsonl', root), 'utf8').trim().split('\n').map(JSON.parse);
const variant = JSON.parse(readFileSync(new URL('examples/data/rules-labour-to-street.json', root), 'utf8'));

const T0 = Date.UTC(2025, 8, 25, 1, 30); // 2025-09-25 09:30 China time
const DAY = 86400000;
const GW = { staff: 'gw-522301001001001' };
const MD = { staff: 'md-522301001001-1' };
const COURT = { agency: 'court-522301000000' };

function throwsCode(fn, code, check) {
  assert.throws(fn, (e) => {
    assert.equal(e.name, 'FengqiaoError');
    assert.ok(e instanceof Error);
    assert.equal(e.code, code, `${e.code}: ${e.message}`);
    if (check) check(e);
    return true;
  });
}

test('version and the sample world', () => {
  assert.match(fq.version(), /^\d+\.\d+\.\d+$/);
  const e = fq.Engine.sample();
  assert.equal(e.roots()[0].code, '522301000000');
  assert.deepEqual(e.children('522301001000').map((u) => u.name), ['A社区', 'B社区']);
  e.free();
});

test('a dispute from registration to a judicially confirmed agreement', () => {
  const e = new fq.Engine(world);
  const code = e.register(GW, dispute, T0);
  assert.match(code, /^5223010010010010101-20250925-0001$/);
  const d = e.route({ staff: 'cs-522301001001' }, code, T0);
  assert.equal(d.level, 'community');
  assert.ok(d.matched.includes('violence-police'));
  assert.ok(d.agencies.some((a) => a.kind === 'police' && a.agency));
  assert.ok(d.explanation.candidates.some((c) => c.verdict === 'chosen'));
  e.apply(MD, code, { op: 'accept' }, T0);
  // The mediation month is shown from acceptance (issue 31; 司法部令第75号 art. 33): accepted
  // 2025-09-25, one month ends on Saturday 10-25, carried to Monday 10-27 (民法典 art. 203).
  const month = e.viewCase(MD, code, T0).windows.find((w) => w.window === 'mediation_month');
  assert.equal(month.last_day, '2025-10-27');
  e.apply(MD, code, { op: 'record_session', method: 'bench_meeting', parties_consent: true }, T0 + DAY);
  const agreement = { form: 'written', effective_on: '2025-09-26', terms: '分期支付工资', amount_yuan: 30000, parties_signed: true, mediator_signed: true, committee_sealed: true };
  let state = e.apply(MD, code, { op: 'resolve', agreement }, T0 + DAY);
  assert.equal(state.state, 'resolved');
  // The application is joint (人民调解法 art. 33): one party alone is refused.
  assert.throws(
    () => e.apply(MD, code, { op: 'apply_confirmation', applied_on: '2025-09-29', applicants: dispute.parties.slice(0, 1) }, T0 + 4 * DAY),
    (err) => err.code === 'lifecycle' && /art\. 33/.test(err.message),
  );
  e.apply(MD, code, { op: 'apply_confirmation', applied_on: '2025-09-29', applicants: dispute.parties }, T0 + 4 * DAY);
  e.apply(COURT, code, { op: 'accept_confirmation', accepted_on: '2025-09-30' }, T0 + 5 * DAY);
  state = e.apply(COURT, code, { op: 'grant_confirmation', decided_on: '2025-10-09' }, T0 + 14 * DAY);
  assert.equal(state.confirmation.status, 'granted');
  const events = e.trace(MD, code, T0 + 14 * DAY);
  assert.equal(events.length, 8);
  assert.equal(events[0].op.op, 'register');
  assert.match(events[7].hash, /^[0-9a-f]{64}$/);
  e.verify(code);
  assert.equal(fq.traceVerify(events).state, 'resolved');
  const jsonl = e.traceJsonl(MD, code, T0 + 14 * DAY);
  assert.equal(jsonl.trim().split('\n').length, 8);
  assert.equal(fq.traceVerify(jsonl).state, 'resolved');
  const view = e.viewCase(GW, code, T0);
  assert.ok(view.parties[0].id_number.includes('********'));
  assert.deepEqual(e.caseCodes(GW, T0), [code]);
  assert.deepEqual(e.caseCodes({ staff: 'gw-522301001002002' }, T0), []);
  e.free();
});

test('errors carry codes and details', () => {
  const e = new fq.Engine(world);
  const code = e.register(GW, dispute, T0);
  throwsCode(() => e.apply(MD, code, { op: 'close' }, T0), 'lifecycle', (err) => {
    assert.equal(err.details.refusal, 'wrong_state');
    assert.equal(err.details.operation, 'close');
    assert.equal(err.details.state, 'registered');
  });
  throwsCode(() => e.apply(MD, code, { op: 'dance' }, T0), 'invalid_input');
  throwsCode(() => e.apply({ staff: 'gw-522301001002002' }, code, { op: 'accept' }, T0), 'denied');
  throwsCode(() => e.apply({ staff: 'nobody' }, code, { op: 'accept' }, T0), 'not_found');
  throwsCode(() => e.register(GW, { ...dispute, category: 'labor' }, T0), 'invalid_input', (err) => assert.match(err.message, /labor/));
  throwsCode(() => e.register(GW, dispute, Number.NaN), 'invalid_input');
  throwsCode(() => e.unit('52a'), 'hierarchy');
  throwsCode(() => new fq.Engine({ hierarchy: { units: [{ code: '522301000001', kind: 'county' }] } }), 'hierarchy');
  const person = { id: 'x', name: 'x', id_number: '110105194912310021', household: '5223010010010010101' };
  throwsCode(() => e.addPerson(person), 'identity', (err) => { assert.match(err.message, /check character/); assert.equal(err.details.problem, 'id_checksum'); });
  // A birth date in the future (2099-01-01 in digits 7-14, GB 11643) is refused when the time is given (issue 31).
  const born2099 = { id: 'p-2099', name: 'x', id_number: '522301209901010112', household: '5223010010010010101' };
  throwsCode(() => e.addPersonAt(born2099, T0), 'invalid_input', (err) => {
    assert.equal(err.details.problem, 'born_in_future');
    assert.match(err.message, /2099-01-01/);
  });
  throwsCode(() => e.updatePersonAt(born2099, T0), 'invalid_input', (err) => assert.equal(err.details.problem, 'born_in_future'));
  const bad = { ...fq.defaultRules(), rules: [{ id: 'r', description: 'd', when: { category_in: [] } }] };
  throwsCode(() => e.loadRules('system', bad, T0), 'rule_set', (err) => {
    assert.ok(err.details.some((d) => d.code === 'empty_set' && d.rule === 'r' && d.path === 'rules[0].when.category_in'));
  });
  assert.ok(e.validateRules(bad).some((d) => d.code === 'empty_set'));
  // Tampered traces are located.
  const tampered = structuredClone(e.trace(GW, code, T0));
  tampered[0].op.input.description = '改过';
  throwsCode(() => fq.traceVerify(tampered), 'trace', (err) => assert.equal(err.details.problem, 'changed'));
  throwsCode(() => e.missingReports('system', '522301001001', '2031-03-03', T0), 'calendar');
  // Bad words and codes name the argument and what is allowed.
  throwsCode(() => e.decide(GW, 'no-such-case', T0), 'invalid_input', (err) => assert.match(err.message, /case_code.*yyyymmdd/));
  throwsCode(() => e.register(GW, dispute, T0 * 1000), 'invalid_input', (err) => assert.match(err.message, /microseconds/));
  throwsCode(() => e.register(GW, undefined, T0), 'invalid_input', (err) => assert.match(err.message, /`input`/));
  // The trace is read through the actor's reader: an outsider is refused and logged.
  throwsCode(() => e.trace({ staff: 'gw-522301001002002' }, code, T0), 'denied');
  assert.ok(e.denials().some((d) => d.action === 'trace' && d.target === code));
  e.free();
});

test('the JSON text and JSON bytes paths give the object path\'s decision', () => {
  const e = new fq.Engine(world);
  const text = JSON.stringify(dispute);
  const viaObjects = e.decideInput(dispute);
  const viaText = e.decideInputJson(text);
  const viaBytes = e.decideInputJsonBytes(new TextEncoder().encode(text));
  assert.ok(viaBytes instanceof Uint8Array);
  assert.equal(new TextDecoder().decode(viaBytes), viaText);
  assert.deepEqual(JSON.parse(viaText), viaObjects);
  throwsCode(() => e.decideInputJsonBytes(new TextEncoder().encode('{"category":')), 'invalid_input');
  // Bytes that are not UTF-8 are named as such, as the C ABI names them.
  throwsCode(() => e.decideInputJsonBytes(new Uint8Array([0xff, 0xfe])), 'invalid_utf8',
    (err) => assert.match(err.message, /argument `input`/));
  e.free();
});

test('a panic comes out as a clear internal error', () => {
  throwsCode(() => fq.debugPanic(), 'internal', (err) => assert.match(err.message, /debugPanic was called/));
  // The module still works afterwards for new engines.
  const e = fq.Engine.sample();
  assert.ok(e.rules().rules.length > 10);
  e.free();
});

test('deadlines, statistics, zero reports, daily analysis, what-if', () => {
  const e = new fq.Engine(world);
  const code = e.register(GW, dispute, T0);
  e.route('system', code, T0);
  const statuses = e.deadlines(T0 + 40 * DAY);
  assert.equal(statuses[0].standing, 'red');
  const sweep = e.sweep(T0 + 40 * DAY);
  assert.equal(sweep.statuses[0].case, code);
  assert.equal(sweep.statuses[0].standing, 'red');
  const report = e.statistics({ staff: 'cs-522301001000' }, { by_category: true }, T0 + DAY);
  assert.equal(report.total.counts.screened, 1);
  assert.equal(report.rows[0].category, 'labour');
  e.fileReport(GW, { date: '2025-09-25' });
  const missing = e.missingReports({ staff: 'cs-522301001001' }, '522301001001', '2025-09-25', T0);
  assert.ok(!missing.some((m) => m.staff === GW.staff));
  assert.ok(missing.some((m) => m.role === 'household_head'));
  assert.equal(e.dailyAnalysis('system', '522301001000', T0)[0].case, code);
  const week = e.weeklyDispatch('system', '522301001000', 'community', '2025-09-25', T0);
  assert.equal(week[0].new, 1);
  // An absent date (null or undefined) is the day of now_ms, China time.
  assert.deepEqual(e.weeklyDispatch('system', '522301001000', 'community', null, T0), week);
  assert.deepEqual(e.missingReports({ staff: 'cs-522301001001' }, '522301001001', undefined, T0), missing);
  throwsCode(() => e.weeklyDispatch('system', '522301001000', 'parish', '2025-09-25', T0), 'invalid_input', (err) => assert.match(err.message, /allowed: .*community/));
  const cmp = e.whatIf(history, e.rules(), variant);
  assert.deepEqual(cmp.changed.map((c) => c.id), ['h0010', 'h0016']);
  const jsonl = history.map((h) => JSON.stringify(h)).join('\n');
  assert.deepEqual(e.whatIf(jsonl, e.rules(), variant), cmp);
  assert.equal(typeof cmp.a.levels.community, 'number');
  e.free();
});

test('the Sajin world loads for browsing', () => {
  const e = fq.Engine.sajinWorld(2023);
  const street = e.children('522301000000')[0];
  assert.equal(street.name, '洒金街道');
  const communities = e.children(street.code);
  assert.equal(communities.length, 5);
  assert.equal(e.children(communities[1].code).length, 14);
  e.free();
});

test('privacy lives in the world: residents and the world export are masked per actor', () => {
  const e = new fq.Engine(world);
  const household = '5223010010010010101';
  const seen = e.residents(GW, household, T0);
  assert.ok(seen.length > 0);
  assert.ok(seen.every((p) => !p.id_number || p.id_number.includes('*')));
  const whole = e.residents(MD, household, T0);
  assert.ok(whole.some((p) => p.id_number && !p.id_number.includes('*')));
  e.setPrivacy({ roles: [], agencies: [] });
  assert.ok(e.residents(MD, household, T0).every((p) => !p.id_number || p.id_number.includes('*')));
  const exported = e.world(GW, T0);
  assert.ok(exported.people.every((p) => p.id_number === undefined));
  assert.ok(exported.people.every((p) => p.household.startsWith('522301001001001')));
  assert.deepEqual(exported.privacy, { roles: [], agencies: [] });
  assert.ok(e.worldExport().people.some((p) => p.id_number));
  throwsCode(() => e.residents({ staff: 'gw-522301001002002' }, household, T0), 'denied');
  e.free();
});

test('a journal longer than one batch restores without threads, refused at the changed entry', () => {
  // Native restores read and check batches of 512 entries on a second thread; WebAssembly
  // has none, and the same batches run on the calling thread with the same result.
  const e = new fq.Engine(world);
  const code = e.register(GW, dispute, T0);
  e.route('system', code, T0);
  for (let i = 0; i < 1200; i++) e.setAvailable('gw-522301001001001', i % 2 === 1);
  e.apply(MD, code, { op: 'accept', note: 'late' }, T0);
  const stored = e.journal(0, 5000);
  const lines = stored.trim().split('\n');
  assert.equal(lines.length, 1203);
  const again = fq.Engine.restore(world, stored);
  assert.deepEqual(again.journalHead(), e.journalHead());
  assert.equal(again.caseHead(code), e.caseHead(code));
  throwsCode(() => fq.Engine.restore(world, stored.replace('"note":"late"', '"note":"later"')), 'journal',
    (err) => { assert.equal(err.details.seq, 1203); assert.equal(err.details.case, code); assert.equal(err.details.case_seq, 3); });
  e.free(); again.free();
});

test('time limits: a local calendar, a suspension, an extension and the assessment (the C suite expects the same numbers)', () => {
  const e = new fq.Engine(world);
  const T = Date.UTC(2025, 5, 9, 1, 0); // 2025-06-09 09:00 China time, as the C suite
  const street = { staff: 'cs-522301001000' };
  e.setLocalCalendar({ unit: '522301000000', source: 'test', days_off: [{ date: '2025-06-11', name: '三月三' }] });
  throwsCode(
    () => e.setLocalCalendar({ unit: '522301000000', days_off: [{ date: '2025-06-11' }, { date: '2025-06-11' }] }),
    'calendar',
    (err) => assert.match(err.message, /2025-06-11.*listed twice/),
  );
  const neighbour = {
    category: 'neighbour', channel: 'household_visit', parties: [{ person: 'p0-0' }, { person: 'p1-0' }],
    location: '5223010010010010101', urgency: 'medium', risk: 'yellow', description: '院墙排水',
    discovered_at: '2025-06-08T02:00:00Z',
  };
  const code = e.register(GW, neighbour, T);
  e.route('system', code, T);
  e.apply(MD, code, { op: 'accept' }, T);
  const paused = e.apply(MD, code, { op: 'suspend', reason: 'appraisal' }, T + DAY);
  assert.equal(paused.pauses.length, 1);
  e.apply(MD, code, { op: 'resume' }, T + 3 * DAY);
  e.apply(MD, code, { op: 'request_extension', days: 5, reason: '等待鉴定' }, T + 3 * DAY);
  throwsCode(
    () => e.apply({ staff: 'cs-522301001001' }, code, { op: 'decide_extension', approved: true }, T + 3 * DAY),
    'lifecycle',
    (err) => assert.equal(err.details.refusal, 'not_permitted'),
  );
  e.apply(street, code, { op: 'decide_extension', approved: true, days: 3 }, T + 3 * DAY);
  const status = e.deadlines(T + 3 * DAY).find((s) => s.case === code);
  assert.equal(status.extended_days, 3);
  const a = e.assessment(street, { from: '2025-06-01', to: '2025-06-30' }, T + 4 * DAY);
  const row = a.rows.find((r) => r.unit === '522301001001');
  assert.equal(row.counts.suspensions, 1);
  assert.equal(row.counts.extensions_granted, 1);
  assert.equal(row.counts.extension_days, 3);
  assert.equal(row.score, 99);
  throwsCode(() => e.assessment(street, { from: '2025-07-01', to: '2025-06-30' }, T), 'invalid_input',
    (err) => assert.match(err.message, /query\.from 2025-07-01/));
});

test('units move and retire through the binding', () => {
  const e = new fq.Engine(world);
  e.addUnit({ code: '522301001001003', kind: 'grid', name: '第3网格' });
  e.moveUnit('522301001001003', '522301001002', '522301001002003');
  assert.equal(e.unit('522301001002003').name, '第3网格');
  e.retireUnit('522301001002003');
  assert.equal(e.unit('522301001002003').retired, true);
  throwsCode(() => e.retireUnit('522301001001'), 'hierarchy');
  e.free();
});

test('the host loop: apply, read the journal, restart, restore', () => {
  const e = new fq.Engine(world);
  const code = e.register(GW, dispute, T0);
  e.route('system', code, T0);
  e.apply(MD, code, { op: 'accept' }, T0);
  throwsCode(() => e.applyExpecting(MD, code, { op: 'record_session', method: 'bench_meeting', parties_consent: true }, 2, T0), 'conflict',
    (err) => assert.equal(err.details.actual, 3));
  e.applyExpecting(MD, code, { op: 'record_session', method: 'bench_meeting', parties_consent: true }, 3, T0 + DAY);
  const rules = { ...e.rules(), version: 'local-2' };
  e.loadRules({ staff: 'cs-522301001000' }, rules, T0 + DAY);
  const stored = e.journal(0, 2) + e.journal(2, 1000);
  const head = e.journalHead();
  assert.equal(head.seq, stored.trim().split('\n').length);
  const loaded = JSON.parse(stored.trim().split('\n').at(-1));
  assert.equal(loaded.change.rules_loaded.by.staff, 'cs-522301001000');
  const snapshot = e.snapshot();
  const again = fq.Engine.restore(world, stored);
  assert.deepEqual(again.journalHead(), head);
  assert.equal(again.caseHead(code), e.caseHead(code));
  assert.deepEqual(again.viewCase(MD, code, T0 + DAY), e.viewCase(MD, code, T0 + DAY));
  assert.equal(again.rules().version, 'local-2');
  const fromSnapshot = fq.Engine.restoreSnapshot(snapshot, '');
  assert.deepEqual(fromSnapshot.journalHead(), head);
  // A tampered entry is refused whole, with the entry named.
  throwsCode(() => fq.Engine.restore(world, stored.replace('"op":"accept","note":""', '"op":"accept","note":"x"')), 'journal',
    (err) => { assert.equal(err.details.seq, 3); assert.equal(err.details.case, code); });
  // Stored entries may be released; the chain goes on.
  e.releaseJournal(head.seq);
  throwsCode(() => e.journal(0, 10), 'journal', (err) => assert.equal(err.details.problem, 'unavailable'));
  // After the head, only the audit record of the mediator's whole reads above.
  const after = e.journal(head.seq, 10).trim().split('\n').map(JSON.parse);
  assert.deepEqual(after.map((x) => [x.change.audit.outcome, x.change.audit.target]), [['read_whole', 'person:p0-0']]);
  e.free(); again.free(); fromSnapshot.free();
});

test('rule text validated as an editor holds it: each diagnostic at its line and column', () => {
  const e = new fq.Engine(world);
  const text = '{"id": "t", "version": "1", "hit_policy": "first",\n "rules": [{"id": "a", "when": {"category_in": ["labor"]}}]}';
  const found = e.validateRulesText(text);
  assert.equal(found.length, 1);
  assert.equal(found[0].diagnostic.code, 'parse');
  assert.deepEqual([found[0].at.line, found[0].at.column], [2, 49]);
  assert.equal(text.slice(found[0].at.start, found[0].at.end), '"labor"');
  // Clean text: nothing; not JSON at all: one diagnostic, nothing thrown.
  assert.deepEqual(e.validateRulesText(JSON.stringify(e.rules())), []);
  assert.equal(e.validateRulesText('{"id": ').length, 1);
  e.free();
});
