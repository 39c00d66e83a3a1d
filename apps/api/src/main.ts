import { exitOnSignals, loadConfigOrExit } from '@darkroom/core';
import { buildApp } from './app.js';
import { loadApiConfig } from './config.js';
import { createDeps } from './deps.js';

const config = loadConfigOrExit(loadApiConfig);
const deps = createDeps(config);
const app = await buildApp({ deps, logger: { level: config.logLevel } });

exitOnSignals(async (signal) => {
  app.log.info({ signal }, 'shutting down: finishing requests in flight');
  // Stop accepting connections and let requests in flight finish, then close pools.
  await app.close();
  await deps.close();
});

await app.listen({ host: config.host, port: config.port });
