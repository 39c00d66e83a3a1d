import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
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
    const variant = {
      name: 'thumb',
      kind: 'image' as const,
      format: 'webp',
      width: 200,
      height: 150,
      duration: null,
      size: 99,
      specHash: 'abc',
      key: `${prefix}r1/h.webp`,
    };
    const image = { width: 800, height: 600, format: 'jpeg', placeholder: 'p', dominantColor: '#000000', hasAlpha: false };
    const render = renderRecordOf({ revision: 1, image, variants: [variant], variantPrefix: prefix });
    expect(RenderRecord.parse(render).variants[0]!.key).toBe('r1/h.webp');
    expect(assetRowOf(record, render)).toMatchObject({ status: 'ready', width: 800, placeholder: 'p', readyAt: new Date(render.renderedAt) });
    expect(variantRowsOf(render, prefix)).toEqual([variant]);
    // A render of an older revision (a reframe since) does not make it ready.
    expect(assetRowOf({ ...record, revision: 2 }, render).status).toBe('queued');
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
