// Two engines exchanging a case through the WebAssembly module (issue 33). The module has no
// SM2, so the host checks the document's head with its own verifier (verifyCase; HMAC-SM3
// from Node's crypto stands in for the host's module) and then takes it in without keys —
// the flow docs/exchange.md gives for the browser and Node.
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
const GW = { staff: 'gw-522301001001001' };
const STREET = { staff: 'cs-522301001000' };
const COUNTY = { staff: 'cs-522301000000' };
const key = crypto.randomBytes(32);
const signer = {
  algorithm: 'HMAC-SM3',
  keyId: 'street-2026',
  sign: (message) => new Uint8Array(crypto.createHmac('sm3', key).update(message).digest()),
};
const verifier = {
  verify(algorithm, keyId, message, signature) {
    if (algorithm !== 'HMAC-SM3' || keyId !== 'street-2026') return false;
    const want = crypto.createHmac('sm3', key).update(message).digest();
    return want.length === signature.length && crypto.timingSafeEqual(want, Buffer.from(signature));
  },
};

test('a case goes to the county with its signed history and its result comes back', () => {
  const street = new fq.Engine(world);
  const county = new fq.Engine(world);
  try {
    street.setSigner(signer);
    const code = street.register(GW, dispute, T0);
    const doc = street.transferOut(STREET, code, { unit: '522301000000' }, 'escalation', '涉及多户', T0);
    assert.equal(doc.format, 'fengqiao-transfer/1');
    assert.equal(doc.head.key_id, 'street-2026');
    assert.equal(doc.events.at(-1).op.op, 'transfer_out');
    // The host checks the head with its own verifier, then the engine takes it in.
    assert.equal(fq.Engine.verifyCase(doc.events, [doc.head], verifier).unsigned, 0);
    const text = JSON.stringify(doc);
    assert.equal(fq.transferCheck(text).signed_by, 'street-2026');
    assert.throws(() => county.intake(COUNTY, text, '{}', T0), (x) => x.code === 'signature' && /no SM2/.test(x.message));
    assert.equal(county.intake(COUNTY, text, null, T0).added, 3);
    assert.equal(county.intake(COUNTY, text, null, T0).added, 0);
    // A rewritten document and one of another form are refused with their codes.
    const rewritten = text.replace('涉及多户', '一户');
    assert.throws(() => county.intake(COUNTY, rewritten, null, T0), (x) => x.code === 'trace');
    assert.throws(() => county.intake(COUNTY, JSON.stringify({ ...doc, format: 'fengqiao-transfer/9' }), null, T0),
      (x) => x.code === 'transfer' && x.details.problem === 'format');
    // The county returns the result; the street takes the county's steps into its trace.
    const back = county.transferOut(COUNTY, code, { unit: '522301001000' }, 'result', undefined, T0);
    assert.equal(street.intake(STREET, JSON.stringify(back), undefined, T0).added, 3);
    const view = street.viewCase(STREET, code, T0);
    assert.equal(view.dispute.state, 'registered');
    assert.deepEqual(street.trace('system', code, T0).map((e) => e.op.op),
      ['register', 'transfer_out', 'transfer_in', 'transfer_out', 'transfer_in']);
    assert.throws(() => county.apply(COUNTY, code, { op: 'accept' }, T0), (x) => x.code === 'lifecycle');
    // The county's return counts the case as sent on; the street's level adds it up.
    const ret = county.statisticalReturn('system', '522301001001', '2025-09-01', '2025-09-30', T0);
    assert.equal(ret.counts.transferred_out, 1);
    assert.equal(street.consolidate('system', '522301001000', '2025-09-01', '2025-09-30', [ret], undefined, T0).cases, 0);
    assert.throws(() => street.consolidate('system', '522301001001', '2025-09-01', '2025-09-30', [ret], undefined, T0),
      (x) => x.code === 'statistical_return' && x.details.problem === 'not_below');
  } finally {
    street.free();
    county.free();
  }
});
