import { exitOnSignals, loadConfigOrExit } from '@darkroom/core/env';
import { loadWorkerConfig } from './config.js';
import { createWorkerDeps } from './deps.js';
import { checkJobTable } from './jobs/registry.js';
import { startWorker } from './worker.js';

// A job table with a job kind no row handles is refused at boot in one line, as a bad setting is.
const config = loadConfigOrExit((env) => {
  checkJobTable();
  return loadWorkerConfig(env);
});
const deps = createWorkerDeps(config);
const running = startWorker(deps);
deps.log.info({ concurrency: config.concurrency, backfillConcurrency: config.backfillConcurrency }, 'worker started');

exitOnSignals(async (signal) => {
  deps.log.info({ signal }, 'shutting down: finishing jobs in hand');
  await running.close();
  await deps.close();
});
