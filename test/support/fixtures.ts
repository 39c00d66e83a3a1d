import sharp from 'sharp';
import { expect } from 'vitest';
import { DarkroomClient } from './client.js';
import type { Harness } from './harness.js';
import { fixture } from './images.js';

export interface TestTenant {
  /** A client holding the admin token. */
  admin: DarkroomClient;
  /** A client holding the new tenant's key. */
  client: DarkroomClient;
  tenantId: string;
}

/** A new tenant with a key, through the real admin routes. */
export async function createTestTenant(harness: Harness, name: string): Promise<TestTenant> {
  const admin = new DarkroomClient(harness.baseUrl, harness.adminToken);
  const created = await admin.createTenant(name);
  return { admin, client: admin.withToken(created.apiKey), tenantId: created.tenantId };
}

/** Uploads a truncated JPEG and waits until its job has failed (corrupt_image). */
export async function failedUpload(client: DarkroomClient, filename?: string) {
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
  return sharp(noise, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
}
