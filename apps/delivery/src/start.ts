import { exitOnSignals, loadConfigOrExit } from '@darkroom/core/env';
import { configureSharp } from '@darkroom/media';
import { buildDeliveryApp } from './http/app.js';
import { loadDeliveryConfig } from './config.js';
import { createDeliveryDeps } from './deps.js';
import { createDeliveryLogger } from './logger.js';

const config = loadConfigOrExit(loadDeliveryConfig);
const log = createDeliveryLogger(config.logLevel);
setInterval(() => log.flush(), 1000).unref();
process.on('exit', () => log.flush());
const deps = createDeliveryDeps(config, log);
// One libvips thread per render: the render slots are the cores. No operation cache: each render
// reads another original.
configureSharp({ concurrency: 1, cacheMemoryMb: 0 });
const app = await buildDeliveryApp({ deps, logger: log });

exitOnSignals(async (signal) => {
  app.log.info({ signal }, 'shutting down: finishing requests in flight');
  await app.close();
  await deps.close();
});

await app.listen({ host: config.host, port: config.port });
