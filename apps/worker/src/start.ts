import { exitOnSignals, loadConfigOrExit } from '@darkroom/core';
import { loadWorkerConfig } from './config.js';
import { createWorkerDeps } from './deps.js';
import { startWorker } from './worker.js';

const config = loadConfigOrExit(loadWorkerConfig);
const deps = createWorkerDeps(config);
const running = startWorker(deps);
deps.log.info({ concurrency: config.concurrency, backfillConcurrency: config.backfillConcurrency }, 'worker started');

exitOnSignals(async (signal) => {
  deps.log.info({ signal }, 'shutting down: finishing jobs in hand');
  await running.close();
  await deps.close();
});
