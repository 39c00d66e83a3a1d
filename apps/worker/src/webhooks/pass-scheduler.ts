import { setTimeout as sleep } from 'node:timers/promises';

/** What a pass reports of what is left: a full batch, or events an open transaction holds back. */
export interface PassResult {
  more: boolean;
  unsettled: boolean;
}

export interface PassSchedule {
  /**
   * The least time from one pass's start to the next one's, unless the one before took a full batch:
   * events that commit meanwhile are taken together, so a steady flow of events costs a few
   * transactions a second, not one each.
   */
  gapMs: number;
  /** When a pass leaves events an open transaction holds back, it looks again this soon. */
  unsettledRetryMs: number;
  onError(err: Error): void;
}

export interface PassScheduler {
  /** Asks for a pass: at once when none ran within the gap, else once the gap is over (one for every wake meanwhile). */
  wake(): void;
  /** No pass starts after this; resolves once the running one has ended. */
  stop(): Promise<void>;
}

/**
 * Runs `pass` one at a time on `wake()`: a wake while a pass runs (or waits out the gap) calls for
 * one more after it, a full batch for the next at once, and held-back events for another look.
 * A pass that throws is reported and the next wake tries again.
 */
export function schedulePasses(pass: () => Promise<PassResult | null>, schedule: PassSchedule): PassScheduler {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let soon: NodeJS.Timeout | undefined;
  let lastStart = Number.NEGATIVE_INFINITY;
  let lastFull = false;

  const passes = async () => {
    do {
      again = false;
      const wait = lastFull ? 0 : lastStart + schedule.gapMs - Date.now();
      if (wait > 0) await sleep(wait);
      if (stopped) return;
      lastStart = Date.now();
      const result = await pass();
      lastFull = result?.more === true;
      if (lastFull) again = true;
      else if (result?.unsettled && !soon) soon = setTimeout(retry, schedule.unsettledRetryMs);
    } while (again && !stopped);
  };
  const retry = () => {
    soon = undefined;
    wake();
  };
  const wake = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = passes()
      .catch((err: unknown) => schedule.onError(err as Error))
      .finally(() => (running = null));
  };
  return {
    wake,
    async stop() {
      stopped = true;
      clearTimeout(soon);
      await running;
    },
  };
}
