import { getAsset } from '@darkroom/db/queries/assets';
import sharp from 'sharp';
import { expect } from 'vitest';
import { TestApi } from './client.js';
import type { Harness } from './harness.js';
import { fixture } from './images.js';

export interface TestTenant {
  /** A client holding the admin token. */
  admin: TestApi;
  /** A client holding the new tenant's key. */
  client: TestApi;
  tenantId: string;
}

/** A new tenant with a key, through the real admin routes. */
export async function createTestTenant(harness: Harness, name: string): Promise<TestTenant> {
  const admin = new TestApi(harness.baseUrl, harness.adminToken);
  const created = await admin.createTenant(name);
  return { admin, client: admin.withToken(created.apiKey), tenantId: created.tenantId };
}

/** Uploads a truncated JPEG and waits until its job has failed (corrupt_image). */
export async function failedUpload(client: TestApi, filename?: string) {
  const { asset, job } = await client.uploadFile(fixture('truncated.jpg'), 'image/jpeg', filename);
  expect((await client.waitForAsset(asset.id)).status).toBe('failed');
  return { asset, job };
}

/**
 * A PNG of random pixels: it barely compresses, so it is as large and as slow to render as its
 * pixel count allows (multipart uploads, a render long enough to interrupt).
 */
export async function noisePng(width: number, height = width): Promise<Buffer> {
  const noise = Buffer.alloc(width * height * 3);
  for (let i = 0; i + 4 <= noise.length; i += 4) noise.writeUInt32LE((Math.random() * 0xffffffff) >>> 0, i);
  return sharp(noise, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/** Hostile files (an SVG, polyglots, a decompression bomb, headers claiming a size): the same generators the media unit tests use. */
export { SVG_IMAGE, bombPng, jpegPolyglot, pngPolyglot } from '../../packages/media/src/test-fixtures.js';
export { CLAIM_CONTENT_TYPES, type ClaimFormat, fileClaiming } from '../../packages/media/src/test-headers.js';
export { fakeHeifGrid, fakeHeifOfSize } from '../../packages/media/src/heif/test-fixtures.js';

/** Where an asset's original lives in the originals bucket. */
export async function originalLocation(harness: Harness, assetId: string): Promise<{ bucket: string; key: string }> {
  const asset = await getAsset(harness.api.db, { id: assetId });
  if (!asset) throw new Error(`no asset ${assetId}`);
  return { bucket: harness.api.config.storage.bucket, key: asset.originalKey };
}

/**
 * Replaces an asset's verified original with other bytes, with the server's own credentials: what a
 * reused presigned URL could do before originals were immutable (issue 7), and the way to get bytes
 * that `complete` would refuse (an SVG, an empty file) in front of the worker and the preview.
 */
export async function swapOriginal(harness: Harness, assetId: string, bytes: Buffer): Promise<void> {
  await harness.api.storage.putObject({ ...(await originalLocation(harness, assetId)), body: bytes, contentType: 'application/octet-stream' });
}
