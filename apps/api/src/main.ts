import { loadDotEnv } from '@darkroom/core';
import { buildApp } from './app.js';
import { loadApiConfig } from './config.js';
import { createDeps } from './deps.js';

loadDotEnv(`${process.env.INIT_CWD ?? process.cwd()}/.env`);

let config;
try {
  config = loadApiConfig(process.env);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const deps = createDeps(config);
const app = await buildApp({ deps, logger: { level: config.logLevel } });

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down: finishing requests in flight');
  // Stop accepting connections and let requests in flight finish, then close pools.
  await app.close();
  await deps.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await app.listen({ host: config.host, port: config.port });
