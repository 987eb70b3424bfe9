import type { Actor, Decision, DisputeInput, Operation, State } from './index.js';

/** Where the phone stands. */
export interface CaptureStatus {
  /** `false` until `setup` has run once, online. */
  ready: boolean;
  /** The capture device number the street's system issued this phone. */
  device?: number;
  actor?: Actor;
  /** The street's division code: where captures go. */
  street?: string;
  /** `id@version` of the rules captures are routed with here. */
  rules?: string | null;
  cases?: number;
  /** Captures not yet taken in by the street. */
  unsent?: number;
  /** Steps on the street's cases waiting to go. */
  pending?: number;
  conflicts?: number;
}

/** A case as the phone shows it. */
export interface CapturedCase {
  case: string;
  /** Its state in this phone's engine (`transferred_out` once sent). */
  state: State;
  /** The routing decided here, with the rules the phone held. */
  routing: Decision | null;
  standing: unknown;
  /** `here`: only on the phone; `sent`: taken in by the street; `street`: the street's side is back. */
  sync: 'here' | 'sent' | 'street';
  /** The street's side: its state, events and the rules that routed it (`id@version`). */
  street: { state: State; seq: number; rule_set: string | null; events: number } | null;
  /** Steps recorded offline waiting to go. */
  pending: number;
}

/**
 * What could not be merged, kept until dismissed: `duplicate` (the same matter captured twice:
 * `others` names the cases), `changed` (the case moved on at the street while the worker
 * recorded `step` offline: nothing applied), `rules` (routed under rules since replaced:
 * the case keeps its decision until the street routes it again), `refused` (the street
 * refused a capture or step, with the library's `code`), `trace` (the street's trace does
 * not continue what the phone recorded).
 */
export interface CaptureConflict {
  id: number;
  kind: 'duplicate' | 'changed' | 'rules' | 'refused' | 'trace';
  case: string;
  code: string;
  message: string;
  others?: string[];
  step?: { operation: Operation; at: number; expected_seq: number; after?: string | null };
  captured_under?: string;
  current?: string;
  at: number;
}

/** What one sync did. */
export interface SyncReport {
  /** Documents sent (captures, and those sent before but not acknowledged). */
  sent: number;
  /** Taken in by the street. */
  received: number;
  /** Events the street added from them (0 for a document it already had). */
  added: number;
  steps: number;
  /** Cases whose street side came back changed. */
  updated: number;
  conflicts: number;
  ms: number;
}

/** The phone's capture engine in a Web Worker; every method answers a Promise. */
export interface Capture {
  status(): Promise<CaptureStatus>;
  /** Once, online: the street's system issues a device number and the world (`lifecycle` if already set up). */
  setup(options: { server: string; worker: string }): Promise<CaptureStatus>;
  /**
   * Registers and routes a dispute here (offline or not); `idempotency_key` required. A
   * routing the rules cannot make is reported in `routing_error`; the capture is kept.
   */
  capture(input: DisputeInput): Promise<{ case: string; state: State; routing: Decision | null; standing: unknown; routing_error: { code?: string; message: string } | null }>;
  /** A step (`{"op": "record_session", …}`): applied here while the phone holds the case, queued for the street after. */
  record(caseCode: string, operation: Operation): Promise<{ case: string; applied: 'here' | 'queued' }>;
  cases(): Promise<CapturedCase[]>;
  conflicts(): Promise<CaptureConflict[]>;
  /** Removes a conflict the worker has dealt with. */
  dismiss(id: number): Promise<void>;
  /** Sends what waits; rejects with code `offline` when the street cannot be reached. */
  sync(): Promise<SyncReport>;
  terminate(): void;
}

/** Opens the phone's capture store (IndexedDB `name`, default `fengqiao-capture`) in a worker. */
export function openCapture(options?: { name?: string; worker?: Worker }): Promise<Capture>;
