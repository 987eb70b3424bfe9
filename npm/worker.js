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
import { connect, remote } from './rpc.js';

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
