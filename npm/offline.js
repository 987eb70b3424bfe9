// Offline capture for grid workers (离线采集): a fengqiao engine in a Web Worker that keeps
// working without signal. Disputes registered on the phone are coded in the phone's own block
// (its capture device number, issued by the street's system), routed with the rules the
// phone last received, and journaled into IndexedDB, so they survive a reload and a browser
// restart. `sync()` sends each capture to the street's system as an exchange document (its
// whole verified trace: intake takes it in once however often it is sent), sends the steps
// recorded since on cases the street holds (each applied only if the case has not moved on
// there), and takes back the street's side of every case. What cannot be merged is kept and
// shown as a conflict, never dropped: the same matter captured twice, a case changed at the
// street while the worker changed it offline, a case routed under rules since replaced.
//
//   import { openCapture } from 'fengqiao/offline';
//   const phone = await openCapture();                                   // IndexedDB 'fengqiao-capture'
//   if (!(await phone.status()).ready) await phone.setup({ server: '', worker: 'gw-522301001001001' });
//   const { case: code, routing } = await phone.capture({ ...dispute, idempotency_key: crypto.randomUUID() });
//   const report = await phone.sync();                                   // when online
import { connect, remote } from './rpc.js';

/** Opens the phone's capture store (`options.name`, default `fengqiao-capture`) in a worker. */
export async function openCapture(options) {
  const worker = options?.worker ?? new Worker(new URL('./offline-worker.js', import.meta.url), { type: 'module', name: 'fengqiao-capture' });
  const link = connect(worker);
  try {
    await link.call('open', [options?.name ?? 'fengqiao-capture']);
  } catch (e) {
    link.terminate();
    throw e;
  }
  return remote(link);
}
