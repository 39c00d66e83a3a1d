import { loadDotEnv } from '@darkroom/core';
import { loadWorkerConfig } from './config.js';
import { createWorkerDeps } from './deps.js';
import { startWorker } from './worker.js';

loadDotEnv(`${process.env.INIT_CWD ?? process.cwd()}/.env`);

let config;
try {
  config = loadWorkerConfig(process.env);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const deps = createWorkerDeps(config);
const running = startWorker(deps);
deps.log.info({ concurrency: config.concurrency, backfillConcurrency: config.backfillConcurrency }, 'worker started');

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  deps.log.info({ signal }, 'shutting down: finishing jobs in hand');
  await running.close();
  await deps.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
