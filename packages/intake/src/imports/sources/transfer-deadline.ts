import { ERRORS, type ImportSourceKind } from '@darkroom/core/error-factories';
import { inSeconds } from './url/guarded-request.js';

/** A transfer's own signal: the caller's (a pause, a cancel, the process stopping) or its time limit, whichever comes first. */
export interface Deadline {
  signal: AbortSignal;
  /** Stops the clock and lets go of the caller's signal: call it once the transfer is over, however it ended. */
  dispose(): void;
}

/**
 * The caller's signal and a source's time limit for one file (IMPORT_ITEM_TIMEOUT) as one signal,
 * aborted with the reason the transfer fails with: the caller's own, or `source_unreachable` saying
 * the source did not answer in full in time. URL and bucket sources alike.
 */
export function startDeadline(signal: AbortSignal | undefined, totalMs: number, kind: ImportSourceKind): Deadline {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal!.reason);
  const timer = setTimeout(() => controller.abort(ERRORS.sourceUnreachable(kind, `it did not answer in full within ${inSeconds(totalMs)}`)), totalMs);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const dispose = () => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  };
  return { signal: controller.signal, dispose };
}

/** `work` with a deadline of its own, disposed of once it settles. */
export async function withinDeadline<T>(
  signal: AbortSignal,
  totalMs: number,
  kind: ImportSourceKind,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = startDeadline(signal, totalMs, kind);
  try {
    return await work(deadline.signal);
  } finally {
    deadline.dispose();
  }
}
