import type { WorkerDeps } from './deps.js';

export interface RunningPasses {
  /** No pass starts after this; the one under way is awaited. */
  stop(): Promise<void>;
}

/**
 * Runs `pass` now and then every `intervalMs`, one pass at a time (a tick while one runs is
 * skipped); a failed pass is logged and the next one tries again.
 */
export function runEvery(deps: Pick<WorkerDeps, 'log'>, options: { intervalMs: number; name: string }, pass: () => Promise<void>): RunningPasses {
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = pass()
      .catch((err: unknown) => deps.log.warn({ err: (err as Error).message }, `${options.name} pass failed; trying again next interval`))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  tick();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
