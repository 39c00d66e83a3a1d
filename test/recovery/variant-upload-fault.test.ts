import type { IncomingMessage } from 'node:http';
import { variantPrefix } from '@darkroom/core/keys';
import { variants } from '@darkroom/db/schema';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/fault-proxy.js';
import { fixture } from '../support/images.js';
import { spawnWorker, waitFor, type WorkerProcess } from '../support/services.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { clip, uploadVideo } from '../support/video.js';

// Two attempts a short while apart; the worker reaches the S3 server through a proxy that fails what the test picks.
const settings = { JOB_MAX_ATTEMPTS: '2', JOB_RETRY_SCHEDULE: '300ms' };
const harness = setupHarness({ withWorker: false, env: settings });
const t = setupTenant(harness, 'variant-upload-fault');
let proxy: FaultProxy;
let worker: WorkerProcess;
let fault: (req: IncomingMessage) => Fault = () => ({ kind: 'pass' });

beforeAll(async () => {
  proxy = await startFaultProxy(process.env.S3_ENDPOINT!, (req) => fault(req));
  worker = spawnWorker({ ...settings, QUEUE_PREFIX: harness.prefix, RECONCILE_INTERVAL: 'off', S3_ENDPOINT: proxy.endpoint });
});
afterAll(async () => {
  worker?.child.kill('SIGTERM');
  await worker?.exited;
  await proxy?.close();
});

/** The keys under the asset's variant prefix in the public bucket. */
async function variantObjects(assetId: string): Promise<string[]> {
  const keys: string[] = [];
  const listing = harness.api.storage.listObjects({ bucket: harness.api.config.storage.publicBucket, prefix: variantPrefix(t.tenantId, assetId) });
  for await (const object of listing) keys.push(object.key);
  return keys;
}

/** Every PUT of one variant object answered 503; the render's other objects land. */
function failOneVariantPut(): () => string[] {
  const landed = new Set<string>();
  let failing: string | undefined;
  fault = (req) => {
    const key = decodeURIComponent(new URL(req.url ?? '/', 'http://s3').pathname);
    if (req.method !== 'PUT' || !key.includes(`/variants/${t.tenantId}/`)) return { kind: 'pass' };
    if (failing === undefined && landed.size > 0 && !landed.has(key)) failing = key;
    if (key === failing) return { kind: 'status', status: 503 };
    landed.add(key);
    return { kind: 'pass' };
  };
  return () => [...landed];
}

describe('the S3 server failing one variant upload of a render', () => {
  it('fails the asset clearly, leaves none of its render’s other objects behind, and a retry later renders it all', async () => {
    const landed = failOneVariantPut();
    const { asset, job } = await t.client.uploadFile(fixture('jolla.jpg'), 'image/jpeg');
    const failed = await t.client.waitForAsset(asset.id, 60_000);
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('storage_unavailable');
    expect(landed().length).toBeGreaterThan(0);
    // No row points at what the failed attempts wrote: none of it stays in the public bucket.
    expect(await variantObjects(asset.id)).toEqual([]);

    fault = () => ({ kind: 'pass' });
    expect((await harness.admin.request('POST', `/v1/admin/jobs/${job.id}/retry`)).status).toBe(202);
    expect((await t.client.waitForAsset(asset.id, 60_000)).status).toBe('ready');
    const rows = await harness.api.db.select().from(variants).where(eq(variants.assetId, asset.id));
    expect(rows).toHaveLength(4);
    expect((await variantObjects(asset.id)).sort()).toEqual([...new Set(rows.map((r) => r.key))].sort());
  });
});

describe('the S3 server failing every upload of a video’s MP4 rendition', () => {
  it('fails the asset clearly and leaves none of the objects its render put before (poster variants, stream files)', async () => {
    const put: string[] = [];
    fault = (req) => {
      const key = decodeURIComponent(new URL(req.url ?? '/', 'http://s3').pathname);
      if (req.method !== 'PUT' || !key.includes(`/variants/${t.tenantId}/`)) return { kind: 'pass' };
      if (key.endsWith('.mp4')) return { kind: 'status', status: 503 };
      put.push(key);
      return { kind: 'pass' };
    };
    const { asset } = await uploadVideo(t.client, await clip('basic.mp4'));
    const failed = await t.client.waitForAsset(asset.id, 120_000);
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('storage_unavailable');
    expect(put.some((key) => key.endsWith('.webp')) && put.some((key) => key.endsWith('.m3u8'))).toBe(true);
    // Removed once the failure is recorded.
    await waitFor('the failed render’s objects to go', async () => (await variantObjects(asset.id)).length === 0, 15_000);
  });
});
