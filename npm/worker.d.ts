import type { Engine, WorldData } from './index.js';

/** Every method of `T`, returning a Promise of what it returns. */
export type Remote<T> = {
  [K in keyof T as K extends string ? (T[K] extends (...args: any[]) => any ? K : never) : never]:
    T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never;
};

/** An engine in a Web Worker: `Engine`'s methods, asynchronous, and `terminate`. */
export type EngineWorker = Omit<Remote<Engine>, 'free'> & {
  /** Stops the worker; calls still pending reject. */
  terminate(): void;
};

/** Options: a worker of your own (e.g. built by your bundler's worker syntax). */
export interface SpawnOptions { worker?: Worker }

/**
 * Starts a worker with an engine over `world`: a `WorldData` object (structured-cloned), or
 * its JSON as bytes (transferred: the caller's buffer is empty afterwards).
 */
export function spawn(world: WorldData | Uint8Array | ArrayBuffer, options?: SpawnOptions): Promise<EngineWorker>;
