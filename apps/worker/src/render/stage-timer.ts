import type { Asset } from '@darkroom/db/schema';
import type { DecodeAdmission } from '@darkroom/media';
import type { WorkerDeps } from '../deps.js';
import type { AssetJob, JobStage } from '../metrics.js';

export interface StageTimer {
  /** Runs `work`, recording its duration as `stage` (also when it throws). */
  time<T>(stage: JobStage, work: () => Promise<T>): Promise<T>;
  /**
   * Runs a render that passes the render gate through the `admit` it is given: the wait for the gate
   * is recorded as `render_wait` and the rest of the call as `render`.
   */
  timeRender<T>(work: (admit: Admit) => Promise<T>): Promise<T>;
  /** The render gate's admission for this job's renders, untimed: a decode outside a render (a moderation check's), within a stage of its own. */
  admit: Admit;
}

/** Waits for the render gate with a decode's pixels; returns what gives them back (media's `DecodeAdmission`). */
export type Admit = NonNullable<DecodeAdmission['admit']>;

/**
 * Where an asset job's time goes, by stage (`darkroom_asset_job_stage_seconds`): what an operator
 * looks at when uploads take long to turn ready, and what the bench's latency parts read. A job of
 * the backfill lane (`background`) renders as background work (the render gate's AcquireOptions).
 */
export function stageTimer(deps: WorkerDeps, kind: Asset['kind'], job: AssetJob = 'process', background = job === 'backfill'): StageTimer {
  const observe = (stage: JobStage, ms: number) => deps.metrics.jobStageDuration.observe({ stage, kind, job }, ms / 1000);
  const admitUntimed: Admit = (pixels) => deps.renderGate.acquire(pixels, { background });
  return {
    admit: admitUntimed,
    async time(stage, work) {
      const started = performance.now();
      try {
        return await work();
      } finally {
        observe(stage, performance.now() - started);
      }
    },
    async timeRender(work) {
      const started = performance.now();
      let waitedMs = 0;
      const admit = async (pixels: number) => {
        const asked = performance.now();
        const release = await admitUntimed(pixels);
        waitedMs += performance.now() - asked;
        return release;
      };
      try {
        return await work(admit);
      } finally {
        observe('render_wait', waitedMs);
        observe('render', performance.now() - started - waitedMs);
      }
    },
  };
}

/**
 * A timer that records nothing, for a render inside a stage already timed (a video's poster, within
 * the video's `render`): its gate is the same render gate, waited for as part of that stage.
 */
export function untimedStages(deps: WorkerDeps): StageTimer {
  const admit: Admit = (pixels) => deps.renderGate.acquire(pixels);
  return {
    time: (_stage, work) => work(),
    timeRender: (work) => work(admit),
    admit,
  };
}
