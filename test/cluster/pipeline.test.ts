import { describe, expect, it } from 'vitest';
import { startRedisCluster } from '../support/cluster.js';
import { fetchVariant, fixture } from '../support/images.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/** The whole pipeline with every Redis client of both apps in cluster mode (REDIS_CLUSTER_NODES). */
const harness = setupHarness(async () => ({ env: { REDIS_CLUSTER_NODES: await startRedisCluster() } }));
const t = setupTenant(harness, 'cluster-pipeline');

describe('against a Redis Cluster', () => {
  it('uploads, renders and serves an image, and the admin routes read the queues', async () => {
    const { asset } = await t.client.uploadFile(fixture('jolla.jpg'), 'image/jpeg');
    const ready = await t.client.waitForAsset(asset.id);
    expect(ready).toMatchObject({ status: 'ready', width: 3264, height: 2448 });
    expect(ready.variants.map((v: { name: string }) => v.name)).toEqual(['thumb', 'small', 'medium', 'large']);
    expect((await fetchVariant(ready.variants[0]!.url)).status).toBe(200);

    const counts = await t.admin.request('GET', '/v1/admin/queues');
    expect(counts.status).toBe(200);
    expect(counts.body.queue.counts.completed).toBeGreaterThanOrEqual(1);
    expect((await t.admin.request('GET', '/readyz')).status).toBe(200);
    // Both apps really talked to the cluster: their BullMQ connections are cluster clients.
    expect((await harness.api.queue.queues.default.getBackend().client).isCluster).toBe(true);
    expect((await harness.worker!.worker.getBackend().client).isCluster).toBe(true);
  });
});
