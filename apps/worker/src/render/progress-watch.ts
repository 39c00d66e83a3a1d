import { recordJobProgress } from '@darkroom/db/queries/jobs';
import { PROGRESS_INTERVAL_MS } from '@darkroom/media';
import type { WorkerDeps } from '../deps.js';

export interface ProgressWatch {
  /** Aborted when the asset is deleted (or its row is gone) while it renders, or when the worker stops. */
  signal: AbortSignal;
  /** The latest fraction (0..1) rendered; only the highest one so far is kept. */
  report(fraction: number): void;
  /** Stops the ticks, writing the latest figure if it is new. The job's completion sets a reported progress to 1 (completeJob). */
  stop(): Promise<void>;
}

/**
 * Ticks once a second while a video renders: each tick moves the job's progress forward (which
 * NOTIFYs `asset.progress` to the live streams) and reads the asset's status in the same statement,
 * so a DELETE is noticed within a second whatever ffmpeg is doing, and the render is aborted.
 */
export function watchProgress(deps: WorkerDeps, params: { jobId: string; assetId: string }): ProgressWatch {
  const deleted = new AbortController();
  let latest = 0;
  let written = -1;
  let ticking: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      written = latest;
      const { assetStatus } = await recordJobProgress(deps.db, { id: params.jobId, assetId: params.assetId, progress: latest });
      if (assetStatus === undefined || assetStatus === 'deleting') deleted.abort(new Error('the asset was deleted while it rendered'));
    } catch (error) {
      // A missed tick only delays a progress figure; the render goes on.
      deps.log.warn({ jobId: params.jobId, err: error }, "could not record a job's progress");
    }
  };
  const timer = setInterval(() => {
    ticking = ticking.then(tick);
  }, PROGRESS_INTERVAL_MS);
  return {
    signal: AbortSignal.any([deleted.signal, deps.stopSignal]),
    report(fraction) {
      latest = Math.max(latest, Math.min(1, Math.max(0, fraction)));
    },
    async stop() {
      clearInterval(timer);
      // The last figure too, so a render shorter than a tick still reports progress (and ends at 1).
      ticking = ticking.then(() => (latest > written ? tick() : undefined));
      await ticking;
    },
  };
}
