import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { FastifyBaseLogger } from 'fastify';
import { type LiveLoad, watchLiveLoad } from './live-load.js';
import type { ImportRunner } from '@darkroom/intake/imports';

/** How long a thread that stopped on its own waits before it is started again. */
const RESTART_MS = 1000;
/** How long `close` waits for the thread to give its imports back before it is stopped outright. */
const CLOSE_MS = 30_000;

/** What the API's main thread tells the runner's thread: take an import, stop, or how its own requests fare. */
export type RunnerThreadMessage = 'poke' | 'close' | LiveLoad;

/**
 * The API process's import runner (@darkroom/intake's imports/runner.ts) on a thread of its own, at a lower priority
 * (runner-thread-main.ts): an import's listing, its transfers' requests and its Postgres batches
 * never queue in the event loop that answers requests. The main thread tells it, a few times a
 * second, whether its requests (`requests`: how many it has received) are answered on time
 * (live-load.ts), and the runner paces its transfers by that. A thread that stops on an error is
 * started again; its imports' leases lapse meanwhile, so any runner, this one again, takes them up.
 */
export function startImportRunnerThread(log: FastifyBaseLogger, requests: () => number): ImportRunner {
  let thread: Worker | null = null;
  let closing = false;
  let restart: NodeJS.Timeout | undefined;
  const stopWatching = watchLiveLoad(requests, (load) => thread?.postMessage(load satisfies RunnerThreadMessage));

  const start = () => {
    const started = new Worker(new URL('./runner-thread-main.js', import.meta.url));
    started.on('error', (error) => log.error({ err: error }, 'the import runner thread stopped on an error; it is started again'));
    started.on('exit', (code) => {
      if (thread === started) thread = null;
      if (closing) return;
      log.error({ code }, 'the import runner thread ended; it is started again');
      restart = setTimeout(start, RESTART_MS);
    });
    thread = started;
  };
  start();

  return {
    poke: () => thread?.postMessage('poke' satisfies RunnerThreadMessage),
    async close() {
      closing = true;
      clearTimeout(restart);
      stopWatching();
      const running = thread;
      if (!running) return;
      const exited = once(running, 'exit');
      running.postMessage('close' satisfies RunnerThreadMessage);
      const timer = setTimeout(() => void running.terminate(), CLOSE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
