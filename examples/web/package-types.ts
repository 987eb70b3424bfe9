// What a TypeScript front-end writes against the installed package: its three entries, resolved
// through the package's `exports` map, with strict types. CI type-checks it (tsc --noEmit).
import init, { Engine, version, type WorldData, type DisputeInput, type Decision, type Assessment, type FengqiaoError } from 'fengqiao';
import { spawn, type EngineWorker } from 'fengqiao/worker';
import { openCapture, type Capture, type CaptureConflict, type SyncReport } from 'fengqiao/offline';

/** A phone's capture, offline: registered with a key, synced when the signal returns. */
export async function field(input: DisputeInput): Promise<string> {
  const phone: Capture = await openCapture({ name: 'fengqiao-capture' });
  if (!(await phone.status()).ready) await phone.setup({ server: '', worker: 'gw-522301001001001' });
  const { case: code } = await phone.capture({ ...input, idempotency_key: crypto.randomUUID() });
  await phone.record(code, { op: 'reassess', risk: 'orange', reason: '走访发现矛盾升级' });
  const report: SyncReport = await phone.sync();
  const conflicts: CaptureConflict[] = await phone.conflicts();
  phone.terminate();
  return `${code} ${report.received} ${conflicts.map((c) => c.kind).join(',')}`;
}

export async function demo(world: WorldData, input: DisputeInput, now: number): Promise<string> {
  await init();
  const engine = new Engine(world);
  const code: string = engine.register({ staff: 'gw-522301001001001' }, input, now);
  const decision: Decision = engine.route('system', code, now);
  const remote: EngineWorker = await spawn(new TextEncoder().encode(JSON.stringify(world)));
  try {
    const far: Decision = await remote.decideInput(input);
    const a: Assessment = await remote.assessment('system', { from: '2025-01-01', to: '2025-12-31' }, now);
    return `${version()} ${decision.level} ${far.level} ${a.rows.length}`;
  } catch (e) {
    const err = e as FengqiaoError;
    return `${err.code}: ${err.message}`;
  } finally {
    remote.terminate();
  }
}
