// The messages between a page and a worker of this package (./worker.js, ./offline.js):
// every call `{ id, method, args }`, every answer `{ id, ok, result }` or
// `{ id, ok: false, error }`; errors reject with the library's name, code and details.
// Internal: not an entry of the package.

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

export function connect(worker) {
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

export function remote(link) {
  return new Proxy(Object.create(null), {
    get(_, name) {
      if (name === 'terminate') return link.terminate;
      // Not a thenable: `await spawn(...)` must give this object, not call `then` on it.
      if (name === 'then' || typeof name !== 'string') return undefined;
      return (...args) => link.call(name, args);
    },
  });
}
