import { exitOnSignals, loadConfigOrExit } from '@darkroom/core';
import { configureSharp } from '@darkroom/media';
import { pino } from 'pino';
import { buildDeliveryApp } from './http/app.js';
import { loadDeliveryConfig } from './config.js';
import { createDeliveryDeps } from './deps.js';

const config = loadConfigOrExit(loadDeliveryConfig);
// Lines gather in a 4 KiB buffer written with one blocking write, as the API's (apps/api/src/logger.ts):
// a write per request line would cost a stored image's answer more than the answer itself.
const log = pino({ level: config.logLevel, base: { app: 'delivery' } }, pino.destination({ sync: true, minLength: 4096 }));
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
