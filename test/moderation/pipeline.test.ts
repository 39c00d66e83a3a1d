import { readFile } from 'node:fs/promises';
import type { Asset } from '@darkroom/client';
import type { ModerationPolicyPatch } from '@darkroom/core/contract/moderation';
import { variantPrefix } from '@darkroom/core/keys';
import { getAsset } from '@darkroom/db/queries/assets';
import { addBlocklistEntries } from '@darkroom/db/queries/blocklist';
import { getJob, latestAssetJob } from '@darkroom/db/queries/jobs';
import { approveHeldAsset } from '@darkroom/db/queries/moderation';
import { tenants } from '@darkroom/db/schema';
import { assetObjectLocation } from '@darkroom/storage';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { moveOwedAssets } from '../../apps/worker/src/visibility-move.js';
import { getImage, imagePath, startDelivery, type DeliveryServer } from '../support/delivery.js';
import { createTestTenant, type TestTenant } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { waitFor } from '../support/services.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * Moderation through the real API, worker, Postgres and S3 server: what each policy does to an
 * upload, where a held asset's objects are, and that nothing of it answers at a public URL.
 * (Malware: test/moderation/malware.test.ts, against the real clamd.)
 */
const harness = setupHarness();
let photo: Uint8Array;
let delivery: DeliveryServer;

beforeAll(async () => {
  photo = new Uint8Array(await readFile(fixture('Landscape_1.jpg')));
  delivery = await startDelivery(harness);
  return () => delivery.close();
});

async function tenantWith(name: string, policy: ModerationPolicyPatch | null): Promise<TestTenant> {
  const tenant = await createTestTenant(harness, name);
  await harness.api.db.update(tenants).set({ moderation: policy }).where(eq(tenants.id, tenant.tenantId));
  return tenant;
}

async function uploaded(tenant: TestTenant, bytes: Uint8Array, contentType = 'image/jpeg'): Promise<string> {
  const { asset } = await tenant.client.uploadAndComplete(bytes, { filename: 'm.jpg', contentType });
  return asset.id;
}

const settled = (tenant: TestTenant, id: string): Promise<Asset> => tenant.client.waitForAsset(id);

/** The asset's variant objects in one place. */
async function objectsIn(tenant: TestTenant, assetId: string, visibility: 'public' | 'private'): Promise<number> {
  const place = assetObjectLocation(harness.api.config.storage, visibility, variantPrefix(tenant.tenantId, assetId));
  let count = 0;
  for await (const _ of harness.api.storage.listObjects({ bucket: place.bucket, prefix: place.key })) count++;
  return count;
}

const eventTypes = async (tenant: TestTenant, assetId: string) => (await tenant.client.feed({ assetId })).map((e) => e.type);

describe('moderation in the pipeline', () => {
  it('publishes a clean photo as before, clear, with its perceptual hash kept', async () => {
    const tenant = await tenantWith('moderation-clear', null);
    const asset = await settled(tenant, await uploaded(tenant, photo));
    expect(asset).toMatchObject({ status: 'ready', moderation: { state: 'clear', findings: [], decidedBy: null } });
    const row = await getAsset(harness.api.db, { id: asset.id });
    expect(row!.perceptualHashes).toHaveLength(1);
    expect(await objectsIn(tenant, asset.id, 'public')).toBeGreaterThan(0);
  });

  it('holds every upload under review: all, in the private place, unreadable in public, then publishes it once approved', async () => {
    const tenant = await tenantWith('moderation-review', { review: 'all' });
    const held = await settled(tenant, await uploaded(tenant, photo));
    expect(held).toMatchObject({ status: 'held', visibility: 'public', moderation: { state: 'held', findings: [{ check: 'review' }] } });
    // Its URLs are private links, its objects in no public bucket, its public delivery URL as for no asset.
    expect(held.urlsExpireAt).not.toBeNull();
    expect(held.variants.length).toBeGreaterThan(0);
    expect(held.variants.every((v) => v.url.includes('/p/'))).toBe(true);
    expect(await objectsIn(tenant, held.id, 'public')).toBe(0);
    expect(await objectsIn(tenant, held.id, 'private')).toBeGreaterThan(0);
    expect((await getImage(`${delivery.baseUrl}${imagePath(held.id, 1, 'w_200')}`)).status).toBe(404);
    const link = await fetch(new URL(new URL(held.variants[0]!.url).pathname, delivery.baseUrl));
    expect(link.status).toBe(200);
    await link.arrayBuffer();
    expect(await eventTypes(tenant, held.id)).not.toContain('asset.ready');
    expect(await eventTypes(tenant, held.id)).toContain('asset.held');

    await approveHeldAsset(harness.api.db, { id: held.id, by: 'tenant', reason: null });
    // No grace: nothing public ever served it.
    await moveOwedAssets(harness.workerDeps, { graceMs: 60_000, tenantId: tenant.tenantId });
    const ready = await tenant.client.waitForStatus(held.id, 'ready');
    expect(ready).toMatchObject({ status: 'ready', moderation: { state: 'approved', decidedBy: 'tenant' }, urlsExpireAt: null });
    expect(await objectsIn(tenant, held.id, 'public')).toBeGreaterThan(0);
    expect(await objectsIn(tenant, held.id, 'private')).toBe(0);
    const types = await eventTypes(tenant, held.id);
    expect(types.indexOf('asset.approved')).toBeLessThan(types.indexOf('asset.ready'));
  });

  it('rejects a re-upload of a blocklisted photo resized to half, at quality 40 and as WebP; nothing of it is written', async () => {
    const tenant = await tenantWith('moderation-blocklist', null);
    const first = await settled(tenant, await uploaded(tenant, photo));
    const [hash] = (await getAsset(harness.api.db, { id: first.id }))!.perceptualHashes!;
    const [entry] = await addBlocklistEntries(harness.api.db, {
      tenantId: tenant.tenantId,
      entries: [{ hash: hash!, reason: 'test', assetId: first.id }],
    });
    const source = sharp(Buffer.from(photo));
    const { width } = await source.metadata();
    const copies: [Buffer, string][] = [
      [
        await source
          .clone()
          .resize(Math.round(width! / 2))
          .jpeg()
          .toBuffer(),
        'image/jpeg',
      ],
      [await source.clone().jpeg({ quality: 40 }).toBuffer(), 'image/jpeg'],
      [await source.clone().webp().toBuffer(), 'image/webp'],
    ];
    for (const [bytes, type] of copies) {
      const rejected = await settled(tenant, await uploaded(tenant, new Uint8Array(bytes), type));
      expect(rejected).toMatchObject({
        status: 'rejected',
        variants: [],
        error: { code: 'content_rejected' },
        moderation: { state: 'rejected', decidedBy: 'policy', findings: [{ check: 'blocklist', label: `blocklist:${entry!.id}` }] },
      });
      expect(rejected.error!.message).not.toMatch(/bucket|darkroom-test|127\.0\.0\.1/);
      expect(await objectsIn(tenant, rejected.id, 'public')).toBe(0);
      expect(await objectsIn(tenant, rejected.id, 'private')).toBe(0);
      expect(await eventTypes(tenant, rejected.id)).toContain('asset.rejected');
    }
  });

  it('holds what the classifier scores at holdAt or above, with its score', async () => {
    const tenant = await tenantWith('moderation-classifier', { classifier: { holdAt: 0 } });
    const held = await settled(tenant, await uploaded(tenant, photo));
    expect(held.status).toBe('held');
    const [finding] = held.moderation.findings;
    expect(finding).toMatchObject({ check: 'classifier', label: 'explicit' });
    expect(finding!.score).toBeGreaterThanOrEqual(0);
    expect(finding!.score).toBeLessThan(0.5);
  });

  it('keeps an asset processing, its job waiting with scanner_unavailable, while its policy needs a scanner this worker lacks', async () => {
    const tenant = await tenantWith('moderation-no-scanner', { malware: 'reject' });
    const id = await uploaded(tenant, photo);
    const job = await waitFor(
      'the job to wait for a scanner',
      async () => {
        const latest = await latestAssetJob(harness.api.db, { assetId: id });
        return latest?.errorCode === 'scanner_unavailable' && latest;
      },
      30_000,
      100,
    );
    // Several tries later: still processing, no attempt spent, nothing written.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const now = (await getJob(harness.api.db, { id: job.id }))!;
    expect(now).toMatchObject({ state: 'queued', errorCode: 'scanner_unavailable', attempts: 0 });
    expect((await tenant.client.request('GET', `/v1/assets/${id}`)).body).toMatchObject({ status: 'processing', moderation: { state: 'pending' } });
    expect(await objectsIn(tenant, id, 'public')).toBe(0);
    expect(now.errorMessage).not.toMatch(/127\.0\.0\.1|clamd|socket/);
  });
});
