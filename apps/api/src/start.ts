import { exitOnSignals, loadConfigOrExit } from '@darkroom/core/env';
import { configureSharp } from '@darkroom/media';
import { buildApp } from './app.js';
import { loadApiConfig } from './config.js';
import { createDeps } from './deps.js';
import { createApiLogger, flushLogs } from './logger.js';

const config = loadConfigOrExit(loadApiConfig);
const log = createApiLogger(config.logLevel);
// However the process ends (a fatal error included), the buffered lines are written first.
process.on('exit', () => flushLogs(log));
const deps = createDeps(config, log);
// The admin preview is the API's only decoding: one libvips thread per preview, so previews never
// take the cores that serve requests, and no operation cache (each preview reads another file).
configureSharp({ concurrency: 1, cacheMemoryMb: 0 });
const app = await buildApp({ deps, logger: log });

exitOnSignals(async (signal) => {
  app.log.info({ signal }, 'shutting down: finishing requests in flight');
  // Stop accepting connections, end live event streams (they would never finish by themselves) and
  // let requests in flight finish, then close pools.
  await app.close();
  await deps.close();
  flushLogs(log);
});

await app.listen({ host: config.host, port: config.port });
