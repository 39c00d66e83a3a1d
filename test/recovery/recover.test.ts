import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { originalKey, variantPrefix } from '@darkroom/core/keys';
import type { VariantSpec } from '@darkroom/core/presets';
import { assets, jobs, tenants } from '@darkroom/db/schema';
import { getAsset } from '@darkroom/db/queries/assets';
import { listVariantsByAsset } from '@darkroom/db/queries/variants';
import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { findOrphanObjects } from '../../apps/worker/src/sweeps/orphans.js';
import { expireAbandonedUploads } from '../../apps/worker/src/sweeps/reconciler.js';
import { moveAssetObjects } from '../../apps/worker/src/visibility-move.js';
import { recover, type RecoverOptions } from '../../apps/worker/src/recover/recover.js';
import { asSinglePut, type TestApi } from '../support/client.js';
import { createTestTenant } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { waitFor } from '../support/services.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/** `npm run recover` (docs/operations.md#recover) against the real Postgres, Redis and S3, with rows deleted as a restore would lose them. */
const harness = setupHarness();
const tenant = setupTenant(harness, 'recover');

async function readyUpload(client: TestApi = tenant.client, extra: object = {}, visibility: 'public' | 'private' = 'public') {
  const bytes = new Uint8Array(await (await import('node:fs/promises')).readFile(fixture('320x240.jpg')));
  const { asset } = await client.uploadAndComplete(bytes, { filename: '320x240.jpg', contentType: 'image/jpeg', visibility });
  const ready = await client.waitForStatus(asset.id, 'ready');
  if (Object.keys(extra).length === 0) return ready;
  expect((await client.request('PATCH', `/v1/assets/${asset.id}`, extra)).status).toBe(200);
  return client.waitForStatus(asset.id, 'ready');
}

async function uploadWithMetadata(metadata: Record<string, unknown>) {
  const bytes = new Uint8Array(await (await import('node:fs/promises')).readFile(fixture('320x240.jpg')));
  const started = await tenant.client.request('POST', '/v1/uploads', {
    filename: 'm.jpg',
    contentType: 'image/jpeg',
    size: bytes.byteLength,
    metadata,
  });
  const { url, headers } = asSinglePut(started.body.upload);
  await fetch(url, { method: 'PUT', headers, body: bytes as Uint8Array<ArrayBuffer> });
  expect((await tenant.client.request('POST', `/v1/uploads/${started.body.asset.id}/complete`, {})).status).toBe(202);
  return tenant.client.waitForStatus(started.body.asset.id, 'ready');
}

const view = async (client: TestApi, id: string) => (await client.request('GET', `/v1/assets/${id}`)).body;
/** What must come back the same: everything but the times a rebuild cannot know to the millisecond. */
const kept = ({ updatedAt: _u, readyAt: _r, ...rest }: Record<string, unknown>) => rest;
/** The database forgets these assets, as a restore to a point before their upload does. */
const forget = (ids: string[]) => harness.api.db.delete(assets).where(inArray(assets.id, ids));
const run = (options: Partial<RecoverOptions> = {}) =>
  recover(harness.workerDeps, { dryRun: false, tenantId: tenant.tenantId, minAgeMs: 0, concurrency: 8, queue: harness.api.queue, ...options });

describe('npm run recover', () => {
  it('rebuilds forgotten assets with their ids, variant URLs and metadata; a dry run writes nothing, a second run nothing more', async () => {
    const plain = await readyUpload();
    const large = await uploadWithMetadata({ notes: randomBytes(2700).toString('base64') });
    const cropped = await readyUpload(tenant.client, { crop: { x: 20, y: 10, width: 200, height: 160 } });
    await waitFor('the new crop’s variants', async () =>
      (await view(tenant.client, cropped.id)).variants.every((v: { url: string }) => v.url.includes('/r2/')),
    );
    const ids = [plain.id, large.id, cropped.id];
    const before = await Promise.all(ids.map((id) => view(tenant.client, id)));
    await forget(ids);

    const planned: string[] = [];
    const dry = await run({ dryRun: true, onPlan: (c, plan) => planned.push(`${c.assetId} ${plan.kind}`) });
    expect(planned.sort()).toEqual(ids.map((id) => `${id} ready`).sort());
    expect(dry).toMatchObject({ relinked: 3, queued: 0, undescribed: 0 });
    expect((await tenant.client.request('GET', `/v1/assets/${plain.id}`)).status).toBe(404);

    expect(await run()).toMatchObject({ relinked: 3, partial: 0, queued: 0 });
    const after = await Promise.all(ids.map((id) => view(tenant.client, id)));
    expect(after.map(kept)).toEqual(before.map(kept));
    expect(after[2]).toMatchObject({ revision: 2, crop: { x: 20, y: 10, width: 200, height: 160 } });
    for (const v of after[0]!.variants) expect((await fetch(v.url)).status).toBe(200);

    expect(await run()).toMatchObject({ relinked: 0, partial: 0, queued: 0 });
  });

  it('re-renders on the backfill lane what the bucket lost: a missing variant, or every one', async () => {
    const some = await readyUpload();
    const none = await readyUpload();
    const [first] = some.variants as { url: string }[];
    const prefix = (id: string) => variantPrefix(tenant.tenantId, id);
    const key = `${prefix(some.id)}${first!.url.split(prefix(some.id))[1]}`;
    await harness.api.storage.deleteObject({ bucket: harness.api.config.storage.publicBucket, key });
    await harness.api.storage.deletePrefix({ bucket: harness.api.config.storage.publicBucket, prefix: prefix(none.id) });
    await forget([some.id, none.id]);

    expect(await run()).toMatchObject({ relinked: 0, partial: 1, queued: 1 });
    const lanes = await harness.api.db
      .select({ lane: jobs.lane, kind: jobs.kind })
      .from(jobs)
      .where(inArray(jobs.assetId, [some.id, none.id]));
    expect(lanes.map((j) => `${j.lane} ${j.kind}`).sort()).toEqual(['backfill backfill', 'backfill process']);
    for (const asset of [some, none]) {
      const back = await waitFor('its variants rendered again', async () => {
        const now = await view(tenant.client, asset.id);
        return now.status === 'ready' && now.variants.length === asset.variants.length && now;
      });
      expect(back.variants.map((v: { url: string }) => v.url)).toEqual(asset.variants.map((v: { url: string }) => v.url));
      for (const v of back.variants) expect((await fetch(v.url)).status).toBe(200);
    }
  });

  it('brings back a tenant the database lost, with its presets, from its record (and no key)', async () => {
    const lost = await createTestTenant(harness, 'recover-lost');
    const spec: VariantSpec = { name: 'card', fit: 'cover', width: 96, height: 96, format: 'webp', quality: 70 };
    expect((await lost.client.request('PUT', '/v1/presets/default', { variants: [spec] })).status).toBe(200);
    const asset = await readyUpload(lost.client);
    await harness.api.db.delete(tenants).where(eq(tenants.id, lost.tenantId));

    const report = await run({ tenantId: lost.tenantId });
    expect(report).toMatchObject({ tenants: { created: 1 }, relinked: 1 });
    const key = await lost.admin.request('POST', `/v1/admin/tenants/${lost.tenantId}/keys`);
    expect(key.status).toBe(201);
    const client = lost.admin.withToken(key.body.apiKey);
    expect(kept(await view(client, asset.id))).toEqual(kept(asset));
    const presets = (await client.request('GET', '/v1/presets')).body.items;
    expect(presets.find((p: { name: string; owner: string }) => p.name === 'default' && p.owner === 'tenant')!.variants).toEqual([spec]);
  });

  it('sweeps never take an original the database does not know yet for garbage', async () => {
    const forgotten = await readyUpload();
    const behind = await readyUpload();
    await forget([forgotten.id]);
    // A restore to before `complete`: the row still awaits its upload, past its expiry.
    await harness.api.db
      .update(assets)
      .set({ status: 'awaiting_upload', uploadExpiresAt: new Date(Date.now() - 60_000) })
      .where(eq(assets.id, behind.id));
    const ghost = randomUUID();
    const undescribed = { bucket: harness.api.config.storage.bucket, key: originalKey(tenant.tenantId, ghost) };
    await harness.api.storage.putObject({ ...undescribed, body: Buffer.from('no record'), contentType: 'image/jpeg' });

    expect(await expireAbandonedUploads(harness.workerDeps)).toBeGreaterThanOrEqual(1);
    const orphans = [];
    for await (const o of findOrphanObjects(harness.workerDeps, { tenantId: tenant.tenantId, minAgeMs: 0 })) orphans.push(o.assetId);
    // Only the original nothing describes is garbage; the two confirmed uploads and their variants are not.
    expect(orphans).toEqual([ghost]);
    for (const id of [forgotten.id, behind.id]) {
      const head = await harness.api.storage.headObject({ bucket: harness.api.config.storage.bucket, key: originalKey(tenant.tenantId, id) });
      expect(head.size).toBeGreaterThan(0);
    }

    expect(await run()).toMatchObject({ relinked: 2, undescribed: 1 });
    for (const asset of [forgotten, behind]) expect(kept(await view(tenant.client, asset.id))).toEqual(kept(asset));
    await harness.api.storage.deleteObject(undescribed);
  });

  it('rebuilds private assets from their variants in the private place, with their visibility and where their objects are', async () => {
    const uploaded = await readyUpload(tenant.client, {}, 'private');
    // Turned private after its render: the variants' records still say public, the record object beside the original says private.
    const moved = await readyUpload(tenant.client, { visibility: 'private' });
    expect(await moveAssetObjects(harness.workerDeps, (await getAsset(harness.api.db, { id: moved.id }))!)).toBe('moved');
    const owed = await readyUpload(tenant.client, { visibility: 'private' });
    const ids = [uploaded.id, moved.id, owed.id];
    const variantKeys = async () =>
      [...(await listVariantsByAsset(harness.api.db, { assetIds: ids })).values()]
        .flat()
        .map((v) => v.key)
        .sort();
    const before = await variantKeys();
    await forget(ids);

    expect(await run()).toMatchObject({ relinked: 3, partial: 0, queued: 0 });
    const rows = await harness.api.db.select().from(assets).where(inArray(assets.id, ids));
    const places = Object.fromEntries(rows.map((r) => [r.id, [r.status, r.visibility, r.objectsVisibility]]));
    expect(places).toEqual({
      [uploaded.id]: ['ready', 'private', 'private'],
      [moved.id]: ['ready', 'private', 'private'],
      // Its move had not run: still owed, so the worker takes its objects out of the public bucket.
      [owed.id]: ['ready', 'private', 'public'],
    });
    expect(await variantKeys()).toEqual(before);
  });

  it('runs as `npm run recover`: a dry run prints what it would do, and plain progress lines when not in a terminal', async () => {
    const asset = await readyUpload();
    await forget([asset.id]);
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['apps/worker/dist/recover/cli.js', '--dry-run', '--tenant', tenant.tenantId, '--min-age', '0'],
      { env: { ...process.env } },
    );
    expect(stdout).toContain(`would rebuild\t${tenant.tenantId}/${asset.id}\tready, variants re-linked`);
    expect(stderr).toMatch(/^recover: \d+ originals · 1 rebuilt/m);
    expect((await tenant.client.request('GET', `/v1/assets/${asset.id}`)).status).toBe(404);
    await run();
  });
});
