// Runs inside a Web Worker: one fengqiao engine, driven by the messages of ./worker.js.
// Every call is `{ id, method, args }`; every answer `{ id, ok, result }` or
// `{ id, ok: false, error }` with the library's error code and details.
import init, { Engine } from './web/fengqiao_wasm.js';

const ready = init();
let engine = null;

function open(kind, payload) {
  switch (kind) {
    case 'bytes': return Engine.fromJsonBytes(new Uint8Array(payload));
    case 'world': return new Engine(payload);
    default: throw new Error(`unknown way to open an engine: ${kind}`);
  }
}

function errorOf(e) {
  return { name: e?.name ?? 'Error', message: e?.message ?? String(e), code: e?.code, details: e?.details };
}

self.onmessage = async (ev) => {
  const { id, method, args } = ev.data;
  try {
    await ready;
    let result = null;
    if (method === '__open') {
      const next = open(args[0], args[1]);
      engine?.free();
      engine = next;
    } else {
      if (!engine) throw new Error('no engine in this worker');
      const f = engine[method];
      if (typeof f !== 'function' || method.startsWith('_') || method === 'constructor') {
        throw Object.assign(new Error(`Engine has no method \`${method}\``), { name: 'FengqiaoError', code: 'invalid_input' });
      }
      result = f.apply(engine, args);
    }
    const transfer = result instanceof Uint8Array ? [result.buffer] : [];
    self.postMessage({ id, ok: true, result }, transfer);
  } catch (e) {
    self.postMessage({ id, ok: false, error: errorOf(e) });
  }
};
