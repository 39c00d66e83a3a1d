import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Asset } from '@darkroom/client';
import type { ModerationFinding } from '@darkroom/core/contract/moderation';
import { assets } from '@darkroom/db/schema';
import { eq } from 'drizzle-orm';
import type { TestApi } from './client.js';
import type { Harness } from './harness.js';
import { fixture } from './images.js';

/** A 64-bit hash no real picture of the suite has: what a test blocks never matches another file's uploads. */
export const randomHash = (): bigint => randomBytes(8).readBigInt64BE();

/** A small JPEG uploaded and rendered: a `ready` asset of the client's tenant. */
export async function readyPhoto(client: TestApi, options: { visibility?: 'public' | 'private' } = {}): Promise<Asset> {
  const jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
  const { asset } = await client.uploadAndComplete(jpeg, { filename: 'held.jpg', contentType: 'image/jpeg', ...options });
  const ready = await client.waitForAsset(asset.id);
  if (ready.status !== 'ready') throw new Error(`asset ${asset.id} is ${ready.status}, not ready`);
  return ready;
}

/**
 * Makes a ready asset `held` with these findings and perceptual hashes, as the worker's checks would
 * leave it (its objects where they are: an approval publishes it at once).
 */
export async function holdAsset(
  harness: Harness,
  assetId: string,
  params: { findings: ModerationFinding[]; hashes?: bigint[] | null },
): Promise<void> {
  const moderation = { state: 'held' as const, findings: params.findings, decidedBy: 'policy' as const, reason: null, decidedAt: null };
  const [row] = await harness.api.db
    .update(assets)
    .set({ status: 'held', moderation, perceptualHashes: params.hashes === undefined ? [randomHash()] : params.hashes })
    .where(eq(assets.id, assetId))
    .returning();
  if (!row) throw new Error(`no asset ${assetId}`);
}

/** A ready photo of the client's tenant, held with a classifier finding. */
export async function heldPhoto(harness: Harness, client: TestApi, findings?: ModerationFinding[]): Promise<Asset> {
  const asset = await readyPhoto(client);
  await holdAsset(harness, asset.id, { findings: findings ?? [{ check: 'classifier', label: 'explicit', score: 0.91 }] });
  return asset;
}
