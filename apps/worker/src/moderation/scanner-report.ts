import { hostname } from 'node:os';
import { writeScannerState, type RedisConnection, type ScannerHealth } from '@darkroom/queue';
import type { WorkerDeps } from '../deps.js';
import { runEvery, type RunningPasses } from '../run-every.js';

/** How often a worker says how its scanners are: well within the report's 30 s life. */
const REPORT_MS = 10_000;
/** A report Redis does not take within this is skipped: the next one tries again. */
const WRITE_MS = 2_000;

/** The classifier as this process last found it: `off` until a policy first asked for it. */
let classifierHealth: ScannerHealth = 'off';
export const classifierAnswered = (ok: boolean): void => {
  classifierHealth = ok ? 'up' : 'down';
};

/**
 * Reports this worker's scanners to Redis every REPORT_MS (`/readyz` and the admin console read
 * them): clamd by a PING, the classifier by how its last load or score went.
 */
export function startScannerReports(deps: WorkerDeps, redis: RedisConnection): RunningPasses {
  const workerId = `${hostname()}:${process.pid}`;
  const clamd = deps.scanners?.clamd ?? null;
  return runEvery(deps, { intervalMs: REPORT_MS, name: 'scanner report' }, async () => {
    const clamdHealth: ScannerHealth = clamd === null ? 'off' : (await clamd.ping()) ? 'up' : 'down';
    const write = writeScannerState(redis, {
      prefix: deps.config.queuePrefix,
      workerId,
      state: { clamd: clamdHealth, classifier: classifierHealth },
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, WRITE_MS);
    });
    await Promise.race([write, late]).finally(() => clearTimeout(timer));
  });
}
