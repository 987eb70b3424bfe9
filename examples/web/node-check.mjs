// The packed tarball from Node, as a back-end script imports it: the `node` entry
// instantiates the module on import. Routes the sample dispute and checks the answer.
import { readFileSync } from 'node:fs';
import { Engine, version } from 'fengqiao';

const data = (p) => JSON.parse(readFileSync(new URL(`../data/${p}`, import.meta.url), 'utf8'));
const engine = new Engine(data('world-small.json'));
const input = data('dispute.json');
const now = Date.parse(input.discovered_at) + 3600e3;
const code = engine.register({ staff: 'gw-522301001001001' }, input, now);
const decision = engine.route('system', code, now);
let passed = 0;
let failed = 0;
const check = (ok, what) => { if (ok) passed++; else { failed++; console.error(`FAILED: ${what}`); } };
check(/^\d+\.\d+\.\d+$/.test(version()), 'version');
check(decision.level === 'community', `level ${decision.level}`);
check(decision.agencies.some((a) => a.kind === 'police'), 'the police join');
try {
  engine.route('system', '5223010010010010101-20250925-0099', now);
  check(false, 'an unknown case is refused');
} catch (e) {
  check(e.name === 'FengqiaoError' && e.code === 'not_found', `error ${e.name} ${e.code}`);
}
console.log(`fengqiao ${version()} from the npm package in Node: case ${code} → ${decision.level} ${decision.unit}`);
console.log(`node import of the package: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
