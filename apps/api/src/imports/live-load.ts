import { monitorEventLoopDelay } from 'node:perf_hooks';

/** How often the API's main thread tells its import runner whether live requests are answered on time: soon enough that the runner slows before many wait. */
const WINDOW_MS = 100;
/** Requests a window must have seen for its delay to speak of them (an API with none has nobody to keep waiting): 20 a second. */
const LIVE_REQUESTS = 2;
/** The main thread's event-loop delay (99th percentile of a window) past which its requests count as late. */
const LATE_DELAY_MS = 10;

export type LiveLoad = 'congested' | 'calm' | 'idle';

/** A window of the main thread: idle with too few requests to speak of, else congested when its event loop ran late, calm when not. */
export function liveLoadOf(window: { requests: number; delayP99Ms: number }): LiveLoad {
  if (window.requests < LIVE_REQUESTS) return 'idle';
  return window.delayP99Ms > LATE_DELAY_MS ? 'congested' : 'calm';
}

/**
 * Reads the main thread's event-loop delay and its count of requests every window and reports
 * what they say (`liveLoadOf`): the import runner's thread paces its transfers by it
 * (@darkroom/intake's imports/import-pace.ts). `requests`: the requests received so far. Returns its stop.
 */
export function watchLiveLoad(requests: () => number, report: (load: LiveLoad) => void): () => void {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  let before = requests();
  const timer = setInterval(() => {
    const now = requests();
    report(liveLoadOf({ requests: now - before, delayP99Ms: delay.percentile(99) / 1e6 }));
    before = now;
    delay.reset();
  }, WINDOW_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    delay.disable();
  };
}
