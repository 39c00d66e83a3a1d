import type { AssetProcessPayload } from '@darkroom/core/queue';
import { deferJobForScanner, SCANNER_UNAVAILABLE } from '@darkroom/db/queries/jobs';
import type { Job } from '@darkroom/db/schema';
import { DelayedError, type Job as QueueJob } from 'bullmq';
import type { WorkerDeps } from '../deps.js';

/** Whether an error is a scanner's absence (the moderation package's clamd client or media's classifier). */
export const isScannerUnavailable = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === SCANNER_UNAVAILABLE;

/** Waits between tries: 2 s, doubling to a minute. */
const SCANNER_WAIT = { baseMs: 2_000, maxMs: 60_000 };
/** What the job shows while it waits: no host, socket or path. */
const WAITING_MESSAGE = 'A scanner its policy needs does not answer: the asset waits, unpublished, and is tried again.';

/**
 * Fail closed: the asset stays `processing`, its job `queued` with `scanner_unavailable`, and the
 * entry is tried again after a backoff (delayed, no slot held). The attempt is given back, so a
 * scanner down for an hour spends none of the job's maxAttempts.
 */
export async function waitForScanner(deps: WorkerDeps, job: QueueJob<AssetProcessPayload>, row: Job, error: unknown): Promise<never> {
  await deferJobForScanner(deps.db, { id: row.id, message: WAITING_MESSAGE });
  const waits = Math.max(0, (job.attemptsStarted ?? 1) - 1);
  const delayMs = Math.min(SCANNER_WAIT.maxMs, SCANNER_WAIT.baseMs * 2 ** Math.min(waits, 10));
  deps.log.warn({ jobId: row.id, assetId: row.assetId, delayMs, err: error }, 'a scanner does not answer: the job waits for it');
  await job.moveToDelayed(Date.now() + delayMs, job.token);
  throw new DelayedError();
}
