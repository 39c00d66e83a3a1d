import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '@darkroom/core/env';
import { createWorkerQueues } from '@darkroom/queue';
import { pino } from 'pino';
import { loadWorkerConfig } from '../config.js';
import { createWorkerDeps } from '../deps.js';
import { runFacesBackfill } from './backfill-run.js';

// `npm run faces [-- --tenant ID] [--window 100] [--dry-run]`: finds the faces of ready images made
// before face detection (or while it was off or down), a backfill job each on the backfill lane, at
// most --window open at once; the running workers search them. Ends once the last job has.

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    window: { type: 'string', default: '100' },
    'dry-run': { type: 'boolean', default: false },
  },
});
const window = Number(values.window);
if (!Number.isInteger(window) || window < 1 || window > 10_000) {
  console.error(`--window "${values.window}" is not a whole number from 1 to 10000`);
  process.exit(2);
}

const config = loadConfigOrExit(loadWorkerConfig);
if (!config.faceDetection) {
  console.error('FACE_DETECTION is off: the workers would search nothing (docs/configuration.md#worker)');
  process.exit(2);
}
const deps = createWorkerDeps(config, pino({ level: 'warn' }));
const queues = createWorkerQueues({ redis: config.redis, prefix: config.queuePrefix, chunkTenantParts: config.video.chunkTenantParts });
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());

try {
  const options = { tenantId: values.tenant, window, pollMs: 2000, dryRun: values['dry-run'], signal: stop.signal };
  const report = await runFacesBackfill(deps, queues.assets, options, (r) => console.log(`matched ${r.matched}\tqueued ${r.queued}`));
  const verb = values['dry-run'] ? 'found (rerun without --dry-run to search them)' : 'searched';
  console.log(`${report.matched} image(s) without faces ${verb}; ${report.queued} backfill job(s) queued`);
} catch (error) {
  console.error(`faces failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await queues.close();
  await deps.close();
}
