import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { AssetModeration } from '@darkroom/core/contract/moderation';
import type { Asset, Tenant } from '../schema.js';
import { AssetRecord, assetRecordOf, assetRowOf, RenderRecord, renderRecordOf, variantRowsOf } from './asset-record.js';
import { fitMetadata, metadataBytes, packRecord, unpackRecord } from './codec.js';
import { tenantRecordOf } from './tenant-record.js';

const tenantId = '019aa4a4-8e3b-7c7e-a1e4-2f6c3f0d9a12';
const asset = {
  id: '019aa4a4-8e3b-7c7e-a1e4-2f6c3f0d9a11',
  tenantId,
  status: 'awaiting_upload',
  filename: 'été.jpg',
  contentType: 'image/jpeg',
  size: 1234,
  preset: 'default',
  metadata: { album: 'x' },
  uploadTokenId: null,
  kind: 'image',
  focus: { x: 0.2, y: 0.4 },
  crop: null,
  revision: 1,
  createdAt: new Date('2026-11-24T07:00:00Z'),
  uploadExpiresAt: new Date('2026-11-25T07:00:00Z'),
  updatedAt: new Date('2026-11-24T07:00:01Z'),
} as unknown as Asset;
const prefix = `variants/${tenantId}/${asset.id}/`;
const variant = {
  name: 'thumb',
  kind: 'image' as const,
  format: 'webp',
  width: 200,
  height: 150,
  duration: null,
  size: 99,
  specHash: 'abc',
  quality: 62,
  key: `${prefix}r1/h.webp`,
};
const image = { width: 800, height: 600, format: 'jpeg', placeholder: 'p', dominantColor: '#000000', hasAlpha: false };
const moderation = (state: AssetModeration['state'], decidedBy: AssetModeration['decidedBy'] = null): AssetModeration => ({
  state,
  findings: [{ check: 'classifier', label: 'explicit', score: 0.9 }],
  decidedBy,
  reason: null,
  decidedAt: decidedBy ? '2026-11-24T08:00:00.000Z' : null,
});

describe('bucket records', () => {
  it('pack and unpack to the same record; anything else unpacks to null', () => {
    const record = assetRecordOf(asset, new Date('2026-11-24T07:00:02Z'));
    expect(unpackRecord(AssetRecord, packRecord(record))).toEqual(record);
    expect(unpackRecord(AssetRecord, undefined)).toBeNull();
    expect(unpackRecord(AssetRecord, 'not a record')).toBeNull();
    expect(unpackRecord(AssetRecord, packRecord({ ...record, id: '../../etc' }))).toBeNull();
    // A value that inflates to more than any record (a deflate bomb) is refused, not allocated.
    const bomb = deflateRawSync(Buffer.alloc(8 << 20, 0x20)).toString('base64url');
    expect(unpackRecord(AssetRecord, bomb)).toBeNull();
  });

  it('fit what S3’s 2 KB holds, in order, and name what does not', () => {
    const small = packRecord({ a: 1 });
    const large = randomBytes(1800).toString('base64url');
    expect(
      fitMetadata([
        ['first', small],
        ['second', large],
      ]),
    ).toEqual({ metadata: { first: small }, left: ['second'] });
    expect(metadataBytes({ é: 'ab' })).toBe(4);
  });

  it('rebuild a queued row from an asset record, and a ready one with its variants from a render of its revision', () => {
    const record = assetRecordOf(asset, new Date('2026-11-24T07:00:02Z'));
    expect(assetRowOf(record, null)).toMatchObject({
      id: asset.id,
      status: 'queued',
      originalKey: `originals/${tenantId}/${asset.id}`,
      focus: asset.focus,
    });
    const render = renderRecordOf({ revision: 1, image, variants: [variant], variantPrefix: prefix });
    expect(RenderRecord.parse(render).variants[0]!.key).toBe('r1/h.webp');
    expect(assetRowOf(record, render)).toMatchObject({ status: 'ready', width: 800, placeholder: 'p', readyAt: new Date(render.renderedAt) });
    expect(variantRowsOf(render, prefix)).toEqual([variant]);
    // As recover reads it back from the bucket: the quality a search chose comes back with the row.
    expect(variantRowsOf(unpackRecord(RenderRecord, packRecord(render))!, prefix)).toEqual([variant]);
    // A render of an older revision (a reframe since) does not make it ready.
    expect(assetRowOf({ ...record, revision: 2 }, render).status).toBe('queued');
  });

  it('rebuild what moderation kept back never ready: held stays held and private, rejected keeps its error', () => {
    const render = renderRecordOf({ revision: 1, image, variants: [variant], variantPrefix: prefix });
    const held = assetRecordOf({ ...asset, moderation: moderation('held') }, new Date());
    expect(unpackRecord(AssetRecord, packRecord(held))?.moderation).toEqual(moderation('held'));
    expect(assetRowOf(held, render)).toMatchObject({ status: 'held', objectsVisibility: 'private', readyAt: null, moderation: moderation('held') });
    // Its variants not found: a render, which keeps a held asset held (in the private place).
    expect(assetRowOf(held, null)).toMatchObject({ status: 'queued', objectsVisibility: 'private', moderation: { state: 'held' } });
    const rejected = assetRecordOf({ ...asset, moderation: moderation('rejected', 'tenant') }, new Date());
    expect(assetRowOf(rejected, render)).toMatchObject({
      status: 'rejected',
      errorCode: 'content_rejected',
      errorMessage: 'The asset was rejected by review.',
      originalKey: `originals/${tenantId}/${asset.id}`,
      quarantinedAt: null,
    });
    expect(assetRowOf(rejected, render)).not.toHaveProperty('width');
    // Approved, but its objects not yet moved to the public place: held until the move publishes it.
    const approved = assetRecordOf({ ...asset, moderation: moderation('approved', 'admin') }, new Date());
    expect(assetRowOf(approved, render, { objectsVisibility: 'private' }).status).toBe('held');
    expect(assetRowOf(approved, render, { objectsVisibility: 'public' }).status).toBe('ready');
  });

  it('rebuild an original found in quarantine rejected, unless an admin restored it; a pre-moderation render clear', () => {
    const render = renderRecordOf({ revision: 1, image, variants: [variant], variantPrefix: prefix });
    const quarantinedAt = new Date('2026-11-24T09:00:00Z');
    // Its record written before the rejection's (a lost write): the quarantine says enough.
    const unaware = assetRecordOf(asset, new Date());
    expect(unaware.moderation).toBeUndefined();
    expect(assetRowOf(unaware, render, { quarantinedAt })).toMatchObject({
      status: 'rejected',
      originalKey: `quarantine/${tenantId}/${asset.id}`,
      quarantinedAt,
      moderation: { state: 'rejected' },
      errorCode: 'content_rejected',
    });
    const restored = assetRecordOf({ ...asset, moderation: moderation('approved', 'admin') }, new Date());
    expect(assetRowOf(restored, render, { quarantinedAt })).toMatchObject({ status: 'queued', originalKey: `quarantine/${tenantId}/${asset.id}` });
    expect(assetRowOf(unaware, render)).toMatchObject({ status: 'ready', moderation: { state: 'clear' } });
    expect(assetRowOf(unaware, null)).toMatchObject({ status: 'queued', moderation: { state: 'pending' } });
  });

  it('keep a tenant’s settings and leave its sealed delivery keys out', () => {
    const tenant = {
      id: tenantId,
      name: 'acme',
      acceptedContentTypes: null,
      maxUploadBytes: 10,
      defaultPreset: null,
      rateLimitPerMinute: null,
      defaultVisibility: 'private',
      presets: {},
      delivery: {},
      moderation: { review: 'all' },
      quotas: { storedBytes: 1_000_000 },
      deliveryKeySealed: 'sealed-secret',
      previousDeliveryKeySealed: 'sealed-old',
      previousDeliveryKeyExpiresAt: null,
      createdAt: new Date(),
      updatedAt: new Date(),
    } satisfies Tenant;
    const text = JSON.stringify(tenantRecordOf(tenant));
    expect(text).toContain('acme');
    expect(tenantRecordOf(tenant).defaultVisibility).toBe('private');
    expect(text).not.toMatch(/sealed|deliveryKey/);
  });
});
