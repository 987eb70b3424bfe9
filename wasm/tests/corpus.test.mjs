// The scenario corpus (tests/scenarios) through the WebAssembly module: each step calls the
// method the table of operations names (docs/operations.json gives its arguments' order and
// types) and asserts the outcome the Rust, C and Java runners assert (see corpus/src/lib.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';

const require = createRequire(import.meta.url);
const fq = require('../../target/wasm/node/fengqiao_wasm.js');
const root = new URL('../../', import.meta.url);
const read = (path) => readFileSync(new URL(path, root), 'utf8');
const table = new Map(JSON.parse(read('docs/operations.json')).operations.map((o) => [o.name, o]));

/** `$name` replaced by saved values in every string of `v`, longest names first. */
function substitute(v, vars) {
  if (typeof v === 'string') {
    const names = Object.keys(vars).sort((a, b) => b.length - a.length);
    return names.reduce((s, n) => s.split(`$${n}`).join(vars[n]), v);
  }
  if (Array.isArray(v)) return v.map((x) => substitute(x, vars));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, vars)]));
  return v;
}

/** Throws naming the path of the first difference (the corpus's pattern rules). */
function matches(pattern, actual, path = '') {
  if (pattern === '*') return;
  if (Array.isArray(pattern)) {
    assert.ok(Array.isArray(actual), `${path}: ${JSON.stringify(actual)}, expected an array`);
    assert.equal(actual.length, pattern.length, `${path}: ${actual.length} items, expected ${pattern.length}`);
    pattern.forEach((p, i) => matches(p, actual[i], `${path}/${i}`));
  } else if (pattern && typeof pattern === 'object') {
    assert.ok(actual && typeof actual === 'object' && !Array.isArray(actual), `${path}: ${JSON.stringify(actual)}, expected an object`);
    for (const [k, p] of Object.entries(pattern)) {
      assert.ok(k in actual, `${path}/${k}: missing`);
      matches(p, actual[k], `${path}/${k}`);
    }
  } else {
    assert.deepEqual(actual, pattern, `${path}: ${JSON.stringify(actual)}, expected ${JSON.stringify(pattern)}`);
  }
}

/** The result as the corpus compares it. */
function comparable(op, result) {
  if (result === undefined || op.output === 'nothing') return null;
  if (op.output === 'lines') return result.split('\n').filter((l) => l).map((l) => JSON.parse(l));
  return result;
}

/** An argument as the JS method takes it: JS values for JSON, strings for text. */
function jsArg(a, v) {
  if (v === undefined || v === null) return a.optional ? undefined : v;
  if (a.type === 'source' || a.type === 'lines') return typeof v === 'string' ? v : JSON.stringify(v);
  return v;
}

function call(engine, op, args) {
  const values = op.args.map((a) => jsArg(a, args[a.name]));
  const target = op.access === 'free' ? fq : engine;
  return target[op.js](...values);
}

const files = readdirSync(new URL('tests/scenarios/', root)).filter((f) => f.endsWith('.jsonl')).sort();

test('the corpus has its scenarios', () => {
  assert.ok(files.length >= 40, `${files.length} scenarios`);
});

for (const file of files) {
  const lines = read(`tests/scenarios/${file}`).split('\n').filter((l) => l.trim());
  const head = JSON.parse(lines[0]);
  test(`${file}: ${head.scenario}`, () => {
    const worldText = read(head.world);
    let engine = new fq.Engine(JSON.parse(worldText));
    const vars = {};
    try {
      lines.slice(1).forEach((text, i) => {
        const at = `${file}:${i + 2}`;
        const step = JSON.parse(text);
        if (step.restart) {
          const journal = engine.journal(0, Number.MAX_SAFE_INTEGER);
          const before = engine.journalHead();
          const again = fq.Engine.restore(JSON.parse(worldText), journal);
          engine.free();
          engine = again;
          assert.deepEqual(engine.journalHead(), before, `${at}: restart`);
          return;
        }
        const op = table.get(step.op);
        assert.ok(op, `${at}: no operation ${step.op}`);
        let result;
        let error;
        try {
          result = call(engine, op, substitute(step.args ?? {}, vars));
        } catch (e) {
          error = e;
        }
        if ('error' in step.expect) {
          assert.ok(error, `${at}: ${step.op} succeeded, expected the error ${step.expect.error}`);
          assert.equal(error.name, 'FengqiaoError', `${at}: ${error}`);
          assert.equal(error.code, step.expect.error, `${at}: ${step.op}: ${error.message}`);
        } else {
          assert.ok(!error, `${at}: ${step.op} failed: ${error?.code}: ${error?.message}`);
          try {
            matches(substitute(step.expect.ok, vars), comparable(op, result));
          } catch (e) {
            e.message = `${at}: ${step.op}: ${e.message}`;
            throw e;
          }
          // A JSON result (a transfer document) is saved as the text another engine receives.
          if (step.save && result !== undefined && result !== null) {
            vars[step.save] = typeof result === 'string' ? result : JSON.stringify(result);
          }
        }
      });
    } finally {
      engine.free();
    }
  });
}
