// Routing through the WebAssembly module under Node: decisions per second for the same
// dispute and world as the native `route_json` benchmark (ffi/benches/abi.rs).
// Run after scripts/wasm-build.sh: node wasm/bench.mjs
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const fq = require('../target/wasm/node/fengqiao_wasm.js');
const root = new URL('../', import.meta.url);
const world = JSON.parse(readFileSync(new URL('examples/data/world-small.json', root), 'utf8'));
const text = readFileSync(new URL('examples/data/dispute.json', root), 'utf8');
const engine = new fq.Engine(world);
const run = (n) => {
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) JSON.stringify(engine.decideInput(JSON.parse(text)));
  return Number(process.hrtime.bigint() - t) / 1e9;
};
run(2000); // warm up
const runJson = (n) => {
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) engine.decideInputJson(text);
  return Number(process.hrtime.bigint() - t) / 1e9;
};
runJson(2000);
const bytes = new TextEncoder().encode(text);
const runBytes = (n) => {
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) engine.decideInputJsonBytes(bytes);
  return Number(process.hrtime.bigint() - t) / 1e9;
};
runBytes(2000);
const n = 20000;
const s = run(n);
console.log(`wasm route (JS objects): ${(s / n * 1e6).toFixed(2)} µs/decision, ${Math.round(n / s)} decisions/s`);
const j = runJson(n);
console.log(`wasm route_json (JSON text, as the native bench): ${(j / n * 1e6).toFixed(2)} µs/decision, ${Math.round(n / j)} decisions/s`);
const b = runBytes(n);
console.log(`wasm route_json_bytes (UTF-8 bytes in and out, as the C ABI): ${(b / n * 1e6).toFixed(2)} µs/decision, ${Math.round(n / b)} decisions/s`);
engine.free();
