// The engine in a Web Worker, so that loading a county or running what-if over a year of
// history never blocks the page. `spawn` starts a worker, opens an engine in it, and
// returns an object with every `Engine` method, each returning a Promise of what the
// method returns (errors reject with the same `FengqiaoError`: name, code, message,
// details). Byte arrays passed in are transferred, not copied: the caller's buffer is
// handed to the worker and is empty afterwards.
//
//   import { spawn } from 'fengqiao/worker';
//   const engine = await spawn(worldBytes);          // Uint8Array of the world's JSON
//   const code = await engine.register(actor, input, Date.now());
//   engine.terminate();

function toError(e) {
  const err = new Error(e.message);
  err.name = e.name ?? 'Error';
  if (e.code !== undefined) err.code = e.code;
  if (e.details !== undefined) err.details = e.details;
  return err;
}

function transfers(args) {
  const out = [];
  for (const a of args) {
    if (a instanceof ArrayBuffer) out.push(a);
    else if (ArrayBuffer.isView(a)) out.push(a.buffer);
  }
  return out;
}

function connect(worker) {
  const pending = new Map();
  let next = 0;
  worker.onmessage = (ev) => {
    const { id, ok, result, error } = ev.data;
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (ok) p.resolve(result);
    else p.reject(toError(error));
  };
  worker.onerror = (ev) => {
    const err = new Error(`fengqiao worker failed: ${ev.message ?? 'unknown error'}`);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const call = (method, args) => new Promise((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, method, args }, transfers(args));
  });
  const terminate = () => {
    worker.terminate();
    const err = new Error('fengqiao worker terminated');
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  return { call, terminate };
}

function remote(link) {
  return new Proxy(Object.create(null), {
    get(_, name) {
      if (name === 'terminate') return link.terminate;
      // Not a thenable: `await spawn(...)` must give this object, not call `then` on it.
      if (name === 'then' || typeof name !== 'string') return undefined;
      return (...args) => link.call(name, args);
    },
  });
}

function start(options) {
  return options?.worker ?? new Worker(new URL('./worker-entry.js', import.meta.url), { type: 'module', name: 'fengqiao' });
}

/** Starts a worker with an engine over `world`: a `WorldData` object, or its JSON as bytes. */
export async function spawn(world, options) {
  const link = connect(start(options));
  const bytes = world instanceof ArrayBuffer || ArrayBuffer.isView(world);
  try {
    await link.call('__open', bytes ? ['bytes', world] : ['world', world]);
  } catch (e) {
    link.terminate();
    throw e;
  }
  return remote(link);
}
