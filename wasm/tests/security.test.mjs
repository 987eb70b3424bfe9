// Node tests of the 国密 surface of the WebAssembly module: the host's signer, verifier
// and protector as JS objects. Node's crypto stands in for the host's module: HMAC-SM3
// (GB/T 15852.2 with SM3) as the signature, SM4-CTR with HMAC-SM3 (encrypt-then-MAC) as the
// protector. SM2 and SM4-GCM themselves are tested against the standards' vectors in Rust.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import crypto from 'node:crypto';

const require = createRequire(import.meta.url);
const fq = require('../../target/wasm/node/fengqiao_wasm.js');
const root = new URL('../../', import.meta.url);
const world = JSON.parse(readFileSync(new URL('examples/data/world-small.json', root), 'utf8'));
const dispute = JSON.parse(readFileSync(new URL('examples/data/dispute.json', root), 'utf8'));

const T0 = Date.UTC(2025, 8, 25, 1, 30);
const DAY = 86400000;
const GW = { staff: 'gw-522301001001001' };
const MD = { staff: 'md-522301001001-1' };
const CC = { staff: 'cs-522301001001' };

const macKey = crypto.randomBytes(32);
const signer = {
  algorithm: 'HMAC-SM3',
  keyId: 'host-1',
  calls: 0,
  sign(message) {
    this.calls += 1;
    return new Uint8Array(crypto.createHmac('sm3', macKey).update(message).digest());
  },
};
const verifier = {
  verify(algorithm, keyId, message, signature) {
    if (algorithm !== 'HMAC-SM3' || keyId !== 'host-1') return false;
    const want = crypto.createHmac('sm3', macKey).update(message).digest();
    return want.length === signature.length && crypto.timingSafeEqual(want, Buffer.from(signature));
  },
};

/** One SM4 key and one HMAC-SM3 key per subject, kept in a Map: the host's key store. */
function hostProtector() {
  const keys = new Map();
  return {
    algorithm: 'SM4-CTR+HMAC-SM3',
    keys,
    seal(subject, plain) {
      if (!keys.has(subject)) keys.set(subject, crypto.randomBytes(48));
      const k = keys.get(subject);
      const iv = crypto.randomBytes(16);
      const c = crypto.createCipheriv('sm4-ctr', k.subarray(0, 16), iv);
      const body = Buffer.concat([iv, c.update(plain), c.final()]);
      const tag = crypto.createHmac('sm3', k.subarray(16)).update(subject).update(body).digest();
      return new Uint8Array(Buffer.concat([body, tag]));
    },
    open(subject, sealed) {
      const k = keys.get(subject);
      if (!k) throw new Error(`no key for ${subject}`);
      const s = Buffer.from(sealed);
      const body = s.subarray(0, s.length - 32);
      const tag = crypto.createHmac('sm3', k.subarray(16)).update(subject).update(body).digest();
      if (!crypto.timingSafeEqual(tag, s.subarray(s.length - 32))) throw new Error('tampered');
      const d = crypto.createDecipheriv('sm4-ctr', k.subarray(0, 16), body.subarray(0, 16));
      return new Uint8Array(Buffer.concat([d.update(body.subarray(16)), d.final()]));
    },
    erase(subject) {
      keys.delete(subject);
    },
  };
}

test('signed heads: a host signer by callback, verified; a cut or moved head is refused', () => {
  const e = new fq.Engine(world);
  assert.throws(() => e.signHead('journal', T0), (x) => x.code === 'signature' && /setSigner/.test(x.message));
  assert.throws(() => e.setSigner({ algorithm: 'X', keyId: 'k' }), (x) => x.code === 'invalid_input' && /sign/.test(x.message));
  e.setSigner(signer);
  const code = e.register(GW, dispute, T0);
  e.route('system', code, T0);
  const journalHead = e.signHead('journal', T0);
  const caseHead = e.signHead(code, T0);
  assert.equal(journalHead.subject, 'journal');
  assert.deepEqual(caseHead.subject, { case: code });
  assert.equal(journalHead.algorithm, 'HMAC-SM3');
  assert.equal(signer.calls, 2);
  const journal = e.journal(0, 1e6);
  const report = fq.Engine.verifyHeads(world, journal, [journalHead, caseHead], verifier);
  // Both heads are counted: the journal's and the case's (issue 31).
  assert.deepEqual(report, { end: journalHead.seq, heads: 2, signed_to: journalHead.seq, unsigned: 0 });
  assert.equal(fq.Engine.verifyHeads(world, journal, [caseHead], verifier).heads, 1);
  // One case on its own (issue 33): its trace and its head, no world, no journal.
  const trace = e.trace('system', code, T0);
  assert.equal(fq.Engine.verifyCase(trace, [caseHead], verifier).heads, 1);
  assert.equal(fq.Engine.verifyCase(e.traceJsonl('system', code, T0), [caseHead], verifier).unsigned, 0);
  assert.throws(() => fq.Engine.verifyCase(trace, [journalHead], verifier),
    (x) => x.code === 'signature' && /no signed head/.test(x.message));
  assert.throws(() => fq.Engine.verifyCase(trace.slice(0, -1), [caseHead], verifier),
    (x) => x.code === 'signature' && /truncated/.test(x.message));
  const lines = journal.trim().split('\n');
  const cut = lines.slice(0, -1).join('\n');
  assert.throws(() => fq.Engine.verifyHeads(world, cut, [journalHead], verifier),
    (x) => x.code === 'signature' && /truncated/.test(x.message));
  const moved = { ...journalHead, seq: journalHead.seq - 1 };
  assert.throws(() => fq.Engine.verifyHeads(world, journal, [moved], verifier),
    (x) => x.code === 'signature' && /does not verify/.test(x.message));
  // A verifier that throws: its message reaches the error.
  assert.throws(() => fq.Engine.verifyHeads(world, journal, [journalHead], { verify() { throw new Error('module offline'); } }),
    (x) => x.code === 'signature' && /module offline/.test(x.message));
  e.free();
});

test('personal data: sealed in the journal, whole for the mediator (audited), erased by key', () => {
  const e = new fq.Engine({ ...world, people: [] });
  const p = hostProtector();
  assert.equal(e.setProtector(p), 0);
  for (const person of world.people) e.addPerson(person);
  const p00 = world.people.find((x) => x.id === 'p0-0');
  const code = e.register(GW, { ...dispute, description: `${p00.name}家院墙排水` }, T0);
  e.route('system', code, T0);
  const journal = e.journal(0, 1e6);
  for (const secret of [p00.name, p00.id_number, p00.phone, '院墙排水']) {
    assert.ok(!journal.includes(secret), `${secret} in the clear`);
  }
  assert.ok(journal.includes('fq-sealed/1:SM4-CTR+HMAC-SM3:'));
  const whole = e.viewCase(MD, code, T0);
  assert.match(whole.dispute.input.description, /院墙排水/);
  assert.equal(whole.parties[0].id_number, p00.id_number);
  const masked = e.viewCase(GW, code, T0);
  assert.equal(masked.dispute.input.description, '〔受保护〕');
  const reads = e.auditRecord().filter((a) => a.outcome === 'read_whole').map((a) => a.target);
  // The named resident (the other party is a company) and the case's text.
  assert.deepEqual(reads, ['person:p0-0', code]);

  // A restart: restored engines hold placeholders until the protector is set.
  const again = fq.Engine.restore({ ...world, people: [] }, journal);
  assert.equal(again.setProtector(p), world.people.length);
  assert.equal(again.viewCase(MD, code, T0).dispute.input.description, whole.dispute.input.description);
  again.free();
  // Without the keys: refused, naming the resident.
  const cold = fq.Engine.restore({ ...world, people: [] }, journal);
  assert.throws(() => cold.setProtector(hostProtector()), (x) => x.code === 'protection' && /no key for p0-0|p0-0/.test(x.message));
  cold.free();

  e.erasePersonal(CC, 'p0-0', T0 + DAY);
  assert.ok(!p.keys.has('p0-0'));
  assert.equal(e.viewCase(MD, code, T0 + DAY).parties[0].name, '〔已删除〕');
  assert.throws(() => e.erasePersonal(CC, 'p0-0', T0 + DAY), (x) => x.code === 'duplicate');
  const audit = e.auditRecord();
  assert.ok(audit.some((a) => a.outcome === 'erased' && a.target === 'p0-0' && a.actor.staff === CC.staff));
  e.free();
});
