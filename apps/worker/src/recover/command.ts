import { parseArgs } from 'node:util';
import { loadConfigOrExit, parseDurationMs } from '@darkroom/core/env';
import { createAssetQueue } from '@darkroom/queue';
import { pino } from 'pino';
import { loadWorkerConfig } from '../config.js';
import { createWorkerDeps } from '../deps.js';
import { createProgress } from './progress.js';
import { recover } from './recover.js';
import { countOriginals } from './walk.js';

// `npm run recover [-- --dry-run] [--tenant ID] [--after TENANT/ASSET] [--min-age 10m] [--concurrency 32]`:
// after a database restore, rebuilds from the bucket's records every asset (and tenant) the
// database no longer knows (docs/operations.md#recover).

const { values } = parseArgs({
  options: {
    'dry-run': { type: 'boolean', default: false },
    tenant: { type: 'string' },
    after: { type: 'string' },
    'min-age': { type: 'string', default: '10m' },
    concurrency: { type: 'string', default: '32' },
  },
});
const minAgeMs = parseDurationMs(values['min-age']);
const concurrency = Number(values.concurrency);
if (minAgeMs === null || !Number.isInteger(concurrency) || concurrency < 1) {
  console.error('--min-age takes a duration (0, 30m, 1h) and --concurrency a whole number of at least 1');
  process.exit(2);
}

const config = loadConfigOrExit(loadWorkerConfig);
const deps = createWorkerDeps(config, pino({ level: 'warn' }));
const dryRun = values['dry-run'];
const queue = dryRun ? null : createAssetQueue({ redis: config.redis, prefix: config.queuePrefix });
const scope = { tenantId: values.tenant, after: values.after };

try {
  const progress = createProgress(process.stderr, process.stderr.isTTY ? await countOriginals(deps, scope) : null);
  const report = await recover(deps, {
    ...scope,
    dryRun,
    minAgeMs,
    concurrency,
    queue,
    onProgress: (r) => progress.update(r),
    onPlan: (candidate, plan) => {
      if (!dryRun) return;
      const what =
        plan.kind === 'ready'
          ? plan.missing.length
            ? `ready, re-render ${plan.missing.join(', ')}`
            : 'ready, variants re-linked'
          : plan.kind === 'render'
            ? 'queued for a render'
            : plan.kind === 'rejected'
              ? 'rejected, nothing queued'
              : 'undescribed: nothing to rebuild from';
      console.log(`would rebuild\t${candidate.tenantId}/${candidate.assetId}\t${what}`);
    },
  });
  progress.finish(report);
  const t = report.tenants;
  console.log(
    `tenants: ${t.created} ${dryRun ? 'to create' : 'created'}, ${t.updated} ${dryRun ? 'to update' : 'updated'}, ${t.kept} kept, ${t.unreadable} unreadable`,
  );
  console.log(JSON.stringify({ dryRun, ...report }));
  if (report.last) console.log(`resume with --after ${report.last}`);
} catch (error) {
  console.error(`recover failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await queue?.close();
  await deps.close();
}
