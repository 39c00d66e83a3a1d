/**
 * The import runner's thread (runner-thread.ts): the API's settings read again from the environment
 * the main thread already checked, deps of its own, and the runner, paced by what the main thread
 * says of its requests; `close` stops it where it is (leases given back) and ends the thread.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { loadApiConfig } from '../config.js';
import { createDeps } from '../deps.js';
import { createApiLogger, flushLogs } from '../logger.js';
import { createImportPace, startImportRunner } from '@darkroom/intake/imports';
import type { RunnerThreadMessage } from './runner-thread.js';

/**
 * The runner thread's niceness (0 is the process's; 19 the lowest): an import is background work, so
 * under load the cores go to requests first, and the import takes what they leave.
 */
const RUNNER_NICENESS = 10;

/** Lowers this thread's priority alone: on Linux a thread's id, from /proc, names it to setpriority. */
function lowerThreadPriority(log: { warn: (obj: object, msg: string) => void }): void {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    setPriority(threadId, RUNNER_NICENESS);
  } catch (error) {
    log.warn({ err: error }, "could not lower the import runner thread's priority; it runs at the process's");
  }
}

const config = loadApiConfig(process.env);
const log = createApiLogger(config.logLevel).child({ thread: 'imports' });
lowerThreadPriority(log);
const deps = createDeps(config, log);
const pace = createImportPace();
const runner = startImportRunner(deps, log, { pace });

parentPort!.on('message', (message: RunnerThreadMessage) => {
  if (message === 'poke') return runner.poke();
  if (message === 'congested') return pace.congested();
  if (message === 'calm') return pace.calm();
  if (message === 'idle') return pace.idle();
  void (async () => {
    await runner.close();
    await deps.close();
    flushLogs(log);
    process.exit(0);
  })();
});
