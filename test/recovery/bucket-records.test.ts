import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { assetRecordKey, originalKey, RECORDS_PREFIX, tenantRecordKey, variantPrefix } from '@darkroom/core/keys';
import type { VariantSpec } from '@darkroom/core/presets';
import {
  ASSET_METADATA,
  IN_SIDECAR,
  metadataBytes,
  METADATA_LIMIT_BYTES,
  parseRecord,
  RENDER_METADATA,
  unpackRecord,
} from '@darkroom/db/records/codec';
import { AssetRecord, AssetSidecar, RenderRecord, VariantAssetRecord } from '@darkroom/db/records/asset-record';
import { TenantRecord } from '@darkroom/db/records/tenant-record';
import { getAsset } from '@darkroom/db/queries/assets';
import { beforeAll, describe, expect, it } from 'vitest';
import { asSinglePut, type TestApi } from '../support/client.js';
import { fixture } from '../support/images.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/** What the bucket keeps of each record so that `npm run recover` can rebuild it (docs/operations.md#recover). */
const harness = setupHarness({ env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
const tenant = setupTenant(harness, 'bucket-records');
let client: TestApi;
let jpeg: Uint8Array;

beforeAll(async () => {
  client = tenant.client;
  jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
});

const privateBucket = () => harness.api.config.storage.bucket;
const publicBucket = () => harness.api.config.storage.publicBucket;
const head = (bucket: string, key: string) => harness.api.storage.headObject({ bucket, key });
const readJson = async (key: string) => (await harness.api.storage.getBytes({ bucket: privateBucket(), key })).toString('utf8');

async function readyUpload(metadata?: Record<string, unknown>, filename = 'record.jpg') {
  const started = await client.request('POST', '/v1/uploads', { filename, contentType: 'image/jpeg', size: jpeg.byteLength, metadata });
  expect(started.status).toBe(201);
  const { url, headers } = asSinglePut(started.body.upload);
  const put = await fetch(url, { method: 'PUT', headers, body: jpeg as Uint8Array<ArrayBuffer> });
  expect(put.ok).toBe(true);
  expect((await client.request('POST', `/v1/uploads/${started.body.asset.id}/complete`, {})).status).toBe(202);
  const ready = await client.waitForAsset(started.body.asset.id);
  expect(ready.status).toBe('ready');
  return ready;
}

/** The render record on the newest variant object of the asset (what recover reads). */
async function renderOnVariants(assetId: string) {
  const objects = [];
  for await (const o of harness.api.storage.listObjects({ bucket: publicBucket(), prefix: variantPrefix(tenant.tenantId, assetId) })) objects.push(o);
  expect(objects.length).toBeGreaterThan(0);
  const newest = objects.sort((a, b) => (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0))[0]!;
  return (await head(publicBucket(), newest.key)).metadata;
}

describe('the bucket describes itself', () => {
  it('an original carries its record, and each variant its render, within S3’s 2 KB', async () => {
    const ready = await readyUpload({ album: 'Été 2026', tags: ['a', 'b'] }, 'vacances à la mer.jpg');
    const original = await head(privateBucket(), originalKey(tenant.tenantId, ready.id));
    expect(metadataBytes(original.metadata)).toBeLessThanOrEqual(METADATA_LIMIT_BYTES);
    expect(original.contentType).toBe('image/jpeg');
    const record = unpackRecord(AssetRecord, original.metadata[ASSET_METADATA]);
    expect(record).toMatchObject({
      id: ready.id,
      tenantId: tenant.tenantId,
      filename: 'vacances à la mer.jpg',
      contentType: 'image/jpeg',
      size: jpeg.byteLength,
      preset: 'default',
      metadata: { album: 'Été 2026', tags: ['a', 'b'] },
      revision: 1,
      createdAt: ready.createdAt,
    });

    const onVariant = await renderOnVariants(ready.id);
    expect(metadataBytes(onVariant)).toBeLessThanOrEqual(METADATA_LIMIT_BYTES);
    expect(unpackRecord(VariantAssetRecord, onVariant[ASSET_METADATA])).toMatchObject({ id: ready.id, revision: 1 });
    const render = unpackRecord(RenderRecord, onVariant[RENDER_METADATA])!;
    expect(render).toMatchObject({ revision: 1, width: 320, height: 240, format: 'jpeg', placeholder: ready.placeholder });
    const urlsOfRender = render.variants.map((v) => `${variantPrefix(tenant.tenantId, ready.id)}${v.key}`);
    expect(render.variants.map((v) => v.name)).toEqual(ready.variants.map((v: { name: string }) => v.name));
    expect(ready.variants.map((v: { url: string }, i: number) => v.url.endsWith(urlsOfRender[i]!))).not.toContain(false);
  });

  it('a public variant answers anyone who reads it with none of what the tenant wrote: no filename, metadata or upload token', async () => {
    const words = ['passport-of-alice.jpg', 'alice@example.com', 'user-4242'];
    const started = await client.request('POST', '/v1/upload-tokens', { metadata: { email: words[1], userId: words[2] } });
    expect(started.status).toBe(201);
    const browser = client.withToken(started.body.token);
    const { asset } = await browser.uploadAndComplete(jpeg, { filename: words[0]!, contentType: 'image/jpeg' });
    const ready = await client.waitForAsset(asset.id);
    expect(ready).toMatchObject({ status: 'ready', visibility: 'public' });
    const tokenId = (await getAsset(harness.api.db, { id: asset.id }))?.uploadTokenId;
    expect(tokenId).toBeTruthy();
    for (const { url } of ready.variants as { url: string }[]) {
      // As a CDN or a browser reads it: anonymously, from the public URL the API hands out.
      const answer = await fetch(url, { method: 'HEAD' });
      expect(answer.status).toBe(200);
      const meta = [...answer.headers].filter(([name]) => name.startsWith('x-amz-meta-'));
      expect(meta.length).toBeGreaterThan(0);
      const told = meta.map(([, value]) => (value === IN_SIDECAR ? value : inflateRawSync(Buffer.from(value, 'base64url')).toString())).join('\n');
      for (const word of [...words, tokenId!]) expect(told, url).not.toContain(word);
    }
  });

  it('a record too large for metadata goes beside the original, and a reframe writes its new revision there', async () => {
    // Random text, which deflate cannot shrink: the API keeps up to 4 KB of metadata.
    const large = { notes: randomBytes(2700).toString('base64') };
    const ready = await readyUpload(large);
    const original = await head(privateBucket(), originalKey(tenant.tenantId, ready.id));
    expect(original.metadata[ASSET_METADATA]).toBe(IN_SIDECAR);
    const sidecar = parseRecord(AssetSidecar, await readJson(assetRecordKey(tenant.tenantId, ready.id)))!;
    expect(sidecar.asset).toMatchObject({ id: ready.id, metadata: large });
    // The variants carry the render, and the asset's record without the metadata that did not fit.
    const onVariant = await renderOnVariants(ready.id);
    expect(unpackRecord(RenderRecord, onVariant[RENDER_METADATA])).toMatchObject({ revision: 1 });
    expect(unpackRecord(VariantAssetRecord, onVariant[ASSET_METADATA])).toMatchObject({ id: ready.id, revision: 1 });
    expect(unpackRecord(AssetRecord, onVariant[ASSET_METADATA])).toBeNull();

    const crop = { x: 10, y: 10, width: 200, height: 150 };
    expect((await client.request('PATCH', `/v1/assets/${ready.id}`, { crop })).status).toBe(200);
    const reframed = parseRecord(AssetSidecar, await readJson(assetRecordKey(tenant.tenantId, ready.id)))!;
    expect(reframed.asset).toMatchObject({ revision: 2, crop, metadata: large });
  });

  it('a visibility change keeps a render record kept beside the original; a reframe, a new revision, drops it', async () => {
    const ready = await readyUpload({ notes: randomBytes(2700).toString('base64') });
    const key = assetRecordKey(tenant.tenantId, ready.id);
    // As the worker writes it when a render's record is too large for a variant's metadata.
    const render = unpackRecord(RenderRecord, (await renderOnVariants(ready.id))[RENDER_METADATA])!;
    const before = parseRecord(AssetSidecar, await readJson(key))!;
    const body = Buffer.from(JSON.stringify({ ...before, render }));
    await harness.api.storage.putObject({ bucket: privateBucket(), key, body, contentType: 'application/json' });

    expect((await client.request('PATCH', `/v1/assets/${ready.id}`, { visibility: 'private' })).status).toBe(200);
    const hidden = parseRecord(AssetSidecar, await readJson(key))!;
    expect(hidden.asset).toMatchObject({ visibility: 'private', revision: 1 });
    expect(hidden.render).toEqual(render);

    expect((await client.request('PATCH', `/v1/assets/${ready.id}`, { crop: { x: 0, y: 0, width: 200, height: 150 } })).status).toBe(200);
    const reframed = parseRecord(AssetSidecar, await readJson(key))!;
    expect([reframed.asset.revision, reframed.render]).toEqual([2, null]);
  });

  it('a tenant’s settings and presets are kept as they change, and no secret ever is', async () => {
    const spec: VariantSpec = { name: 'tiny', fit: 'cover', width: 64, height: 64, format: 'webp', quality: 70 };
    expect((await client.request('PUT', '/v1/presets/cards', { variants: [spec] })).status).toBe(200);
    const patched = await tenant.admin.request('PATCH', `/v1/admin/tenants/${tenant.tenantId}`, { rateLimitPerMinute: 321 });
    expect(patched.status).toBe(200);
    const record = parseRecord(TenantRecord, await readJson(tenantRecordKey(tenant.tenantId)))!;
    expect(record).toMatchObject({ id: tenant.tenantId, name: 'bucket-records', rateLimitPerMinute: 321, presets: { cards: [spec] } });

    // Every secret the tenant has: its API key, a webhook's signing secret, a delivery key, an upload token.
    const secrets = [tenant.client.token!];
    secrets.push((await client.request('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook' })).body.secret);
    secrets.push((await client.request('POST', '/v1/delivery-key')).body.key);
    secrets.push((await client.withUploadToken({})).token!);
    await readyUpload({ note: 'after the secrets' });
    expect((await client.request('PUT', '/v1/presets/cards', { variants: [{ ...spec, width: 96 }] })).status).toBe(200);
    expect(secrets.map((s) => typeof s === 'string' && s.length > 20)).toEqual([true, true, true, true]);

    const seen = await everythingKeptOf(tenant.tenantId);
    expect(seen.length).toBeGreaterThan(3000);
    for (const secret of secrets) {
      expect(seen.includes(secret)).toBe(false);
      // Nor its hash as Postgres keeps it (SHA-256, hex or base64).
      for (const encoding of ['hex', 'base64', 'base64url'] as const) {
        expect(seen.includes(createHash('sha256').update(secret).digest(encoding))).toBe(false);
      }
    }
  });
});

/** Every record the bucket keeps of a tenant, unpacked: its record object, its assets' sidecars and the metadata of their objects. */
async function everythingKeptOf(tenantId: string): Promise<string> {
  const texts: string[] = [await readJson(tenantRecordKey(tenantId))];
  const storage = harness.api.storage;
  for await (const o of storage.listObjects({ bucket: privateBucket(), prefix: RECORDS_PREFIX })) {
    if (o.key.includes(tenantId)) texts.push(await readJson(o.key));
  }
  for (const [bucket, prefix] of [
    [privateBucket(), `originals/${tenantId}/`],
    [publicBucket(), `variants/${tenantId}/`],
  ] as const) {
    for await (const o of storage.listObjects({ bucket, prefix })) {
      const { metadata } = await head(bucket, o.key);
      for (const value of Object.values(metadata)) {
        texts.push(value, JSON.stringify(unpackRecord(AssetRecord, value)), JSON.stringify(unpackRecord(RenderRecord, value)));
      }
    }
  }
  return texts.join('\n');
}
