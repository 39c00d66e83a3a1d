import { randomBytes, randomUUID } from 'node:crypto';
import { createDatabase, type DatabaseHandle } from '@darkroom/db/client';
import { createS3Storage, parseStorageConfig, type ObjectStorage } from '@darkroom/storage';
import { createStorageMeter, noUsageCounters } from '@darkroom/usage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerConfig } from '../config.js';
import { createWorkerMetrics } from '../metrics.js';
import { checkStoredUsage } from './usage-check.js';

// Against the real S3 server and Postgres: a tenant's objects written through the metered client, and one behind its back.
const storageConfig = parseStorageConfig(process.env);
const tenant = randomUUID();
const warnings: object[] = [];
let handle: DatabaseHandle;
let metered: ObjectStorage;
const unmetered = createS3Storage(storageConfig);

beforeAll(() => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
  metered = createS3Storage(storageConfig, { observer: createStorageMeter({ db: handle.db, counters: noUsageCounters() }) });
});
afterAll(async () => {
  for (const [bucket, prefix] of [
    [storageConfig.bucket, `originals/${tenant}/`],
    [storageConfig.publicBucket, `variants/${tenant}/`],
  ] as const) {
    await metered.deletePrefix({ bucket, prefix });
  }
  await handle?.close();
});

const deps = () => ({
  db: handle.db,
  storage: metered,
  config: { storage: storageConfig } as WorkerConfig,
  log: { warn: (object: object) => void warnings.push(object), info: () => {} } as never,
  metrics: createWorkerMetrics(),
});

describe('the usage check', () => {
  it('finds no drift while every write went through the ledger, and reports one that did not, without correcting it', async () => {
    const { bucket, publicBucket } = storageConfig;
    await metered.putObject({ bucket, key: `originals/${tenant}/a/original`, body: randomBytes(100), contentType: 'image/png' });
    await metered.putObject({ bucket: publicBucket, key: `variants/${tenant}/a/r1/x.webp`, body: randomBytes(50), contentType: 'image/webp' });
    expect(await checkStoredUsage(deps(), { tenantId: tenant })).toEqual([]);

    await unmetered.putObject({ bucket, key: `originals/${tenant}/b/original`, body: randomBytes(30), contentType: 'image/png' });
    const drift = [{ tenantId: tenant, listed: 180, ledger: 150 }];
    expect(await checkStoredUsage(deps(), { tenantId: tenant })).toEqual(drift);
    expect(warnings).toContainEqual({ ...drift[0], drift: 30 });
    // Reported, not corrected: the next check finds the same.
    expect(await checkStoredUsage(deps(), { tenantId: tenant })).toEqual(drift);
  });

  it('sets the drift gauge from a check of the whole buckets', async () => {
    const checked = deps();
    const drifts = await checkStoredUsage(checked);
    expect(drifts).toContainEqual({ tenantId: tenant, listed: 180, ledger: 150 });
    const gauge = await checked.metrics.registry.getSingleMetricAsString('darkroom_usage_stored_drift_bytes');
    expect(Number(/darkroom_usage_stored_drift_bytes (\d+)/.exec(gauge)?.[1])).toBeGreaterThanOrEqual(30);
  });
});
