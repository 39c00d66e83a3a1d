import { readFile } from 'node:fs/promises';
import { jobs, variants } from '@darkroom/db/schema';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApi } from '../support/client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { fixture } from '../support/images.js';
import { startRedisCluster, stopRedisCluster } from '../support/cluster.js';
import { startServices, stopRedis } from '../support/services.js';

/** The same outage against one Redis server and against the three-master Redis Cluster. */
const modes = [
  { name: 'Redis', env: async (): Promise<Record<string, string>> => ({}), stop: stopRedis, start: startServices },
  {
    name: 'Redis Cluster',
    env: async (): Promise<Record<string, string>> => ({ REDIS_CLUSTER_NODES: await startRedisCluster() }),
    stop: stopRedisCluster,
    start: async () => void (await startRedisCluster()),
  },
];

describe.each(modes)('$name down during complete', (mode) => {
  let harness: Harness;
  let tenant: TestApi;

  beforeAll(async () => {
    harness = await startHarness({ withWorker: false, env: { RECONCILE_INTERVAL: '500ms', ...(await mode.env()) } });
    const admin = new TestApi(harness.baseUrl, harness.adminToken);
    tenant = admin.withToken((await admin.createTenant('redis-outage')).apiKey);
  });
  afterAll(async () => {
    await mode.start();
    await harness?.close();
  });

  it('complete still succeeds, and the reconciler queues the job once Redis is back; nothing lost, nothing doubled', async () => {
    const bytes = new Uint8Array(await readFile(fixture('DSCN0010.jpg')));
    const { asset } = await tenant.upload(bytes, { filename: 'during-outage.jpg', contentType: 'image/jpeg' });

    await mode.stop();
    try {
      const completed = await tenant.request('POST', `/v1/uploads/${asset.id}/complete`, {});
      expect(completed.status, JSON.stringify(completed.body)).toBe(202);
      expect(completed.body.job.state).toBe('queued');
      // A repeat during the outage is the same job.
      const repeat = await tenant.request('POST', `/v1/uploads/${asset.id}/complete`, {});
      expect(repeat.body.job.id).toBe(completed.body.job.id);

      const ready = await new TestApi(harness.baseUrl).request('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.error?.details?.down).toEqual(['redis']);
      expect(ready.body.error?.message).toContain('redis');
      // Which dependency is down, never its error text (anyone may call /readyz).
      expect(ready.body.error?.details?.checks).toEqual({ postgres: 'ok', redis: 'down', storage: 'ok' });
      expect(JSON.stringify(ready.body)).not.toMatch(/127\.0\.0\.1|6379|700\d|ECONNREFUSED|Connection is closed/);
    } finally {
      await mode.start();
    }

    // Redis came back empty: the queue has no entry for the job. The worker's reconciler adds it.
    harness.startWorker();
    const done = await tenant.waitForAsset(asset.id, 30_000);
    expect(done.status).toBe('ready');

    const jobRows = await harness.api.db.select().from(jobs).where(eq(jobs.assetId, asset.id));
    expect(jobRows).toHaveLength(1);
    expect(jobRows[0]).toMatchObject({ state: 'completed', attempts: 1 });
    const rows = await harness.api.db.select().from(variants).where(eq(variants.assetId, asset.id));
    expect(rows).toHaveLength(4);
    // One object per distinct output: variants that come out the same share one.
    expect(await harness.countVariantObjects(jobRows[0]!.tenantId, asset.id)).toBe(new Set(rows.map((v) => v.key)).size);
  });
});
