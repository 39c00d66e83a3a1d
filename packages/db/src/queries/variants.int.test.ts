import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../client.js';
import { newId } from '../ids.js';
import type { AssetStatus } from '../schema.js';
import { insertAsset, lockReadyAssets } from './assets.js';
import { insertJob, insertJobsUnlessOpen } from './jobs.js';
import { createTenant } from './tenants.js';
import { countStaleVariants, deleteVariantsByName, findStaleAssets, listVariantsByAsset, upsertVariants } from './variants.js';

let handle: DatabaseHandle;
let tenantId: string;
// Test files share the database: a preset name of its own keeps other files' assets out of the counts.
const preset = `stale-${newId().slice(-8)}`;
const specHashes = { thumb: 'h-thumb', small: 'h-small', medium: 'h-medium' };

beforeAll(async () => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
  tenantId = (await createTenant(handle.db, { name: 'stale-variants' })).id;
});
afterAll(() => handle?.close());

async function assetWith(
  rows: Record<string, string>,
  options: { status?: AssetStatus; preset?: string; kind?: 'image' | 'video' | 'audio'; placeholder?: string } = {},
) {
  const asset = await insertAsset(handle.db, {
    id: newId(),
    tenantId,
    kind: options.kind ?? 'image',
    status: options.status ?? 'ready',
    placeholder: options.placeholder ?? null,
    filename: 'a.jpg',
    contentType: 'image/jpeg',
    size: 10,
    preset: options.preset ?? preset,
    originalKey: `originals/${tenantId}/x`,
    uploadExpiresAt: new Date(Date.now() + 60_000),
  });
  const records = Object.entries(rows).map(([name, specHash]) => ({
    name,
    kind: 'image' as const,
    duration: null,
    specHash,
    format: 'webp',
    width: 10,
    height: 10,
    size: 10,
    key: `variants/${tenantId}/${asset.id}/${name}-${specHash}.webp`,
  }));
  await upsertVariants(handle.db, { assetId: asset.id, variants: records });
  return asset.id;
}

describe('stale variants', () => {
  let expected: Record<string, number>;

  beforeAll(async () => {
    await assetWith(specHashes); // up to date
    expected = {
      [await assetWith({ ...specHashes, small: 'h-old' })]: 1, // one changed spec
      [await assetWith({ thumb: 'h-thumb', small: 'h-small', large: 'h-large' })]: 2, // one missing, one removed name
      [await assetWith({})]: 3, // ready without any rows
    };
    await assetWith({ small: 'h-old' }, { status: 'failed' }); // only ready assets are backfilled
    await assetWith({ small: 'h-old' }, { preset: `${preset}-other` }); // another preset
  });

  it('finds exactly the ready assets of the preset with stale variants, counting them per asset', async () => {
    const found = await findStaleAssets(handle.db, { preset, specHashes, limit: 100 });
    expect(Object.fromEntries(found.map((f) => [f.assetId, f.staleVariants]))).toEqual(expected);
    expect(found.every((f) => f.tenantId === tenantId)).toBe(true);
    expect(await countStaleVariants(handle.db, { preset, specHashes })).toEqual({ matched: 3, staleVariants: 6 });
  });

  it('pages in id order with a keyset', async () => {
    const first = await findStaleAssets(handle.db, { preset, specHashes, limit: 2 });
    const second = await findStaleAssets(handle.db, { preset, specHashes, limit: 2, afterId: first.at(-1)!.assetId });
    const ids = [...first, ...second].map((f) => f.assetId);
    expect(ids).toEqual(Object.keys(expected).sort());
  });

  it('counts nothing for a preset no asset uses', async () => {
    expect(await countStaleVariants(handle.db, { preset: `${preset}-none`, specHashes })).toEqual({ matched: 0, staleVariants: 0 });
  });

  it('deletes rows by name', async () => {
    const id = await assetWith({ thumb: 'a', large: 'b', huge: 'c' });
    await deleteVariantsByName(handle.db, { assetId: id, names: ['large', 'huge'] });
    expect((await listVariantsByAsset(handle.db, { assetIds: [id] })).get(id)!.map((v) => v.name)).toEqual(['thumb']);
  });
});

describe('stale variants of a preset with a video rendition', () => {
  const videoPreset = `${preset}-video`;
  const withClip = { ...specHashes, clip: 'h-clip' };

  it('counts a missing rendition on a video, never on an image', async () => {
    const image = await assetWith(specHashes, { preset: videoPreset });
    const video = await assetWith(specHashes, { preset: videoPreset, kind: 'video' });
    const scope = { preset: videoPreset, specHashes: withClip, videoVariants: ['clip'] };
    expect(await findStaleAssets(handle.db, { ...scope, limit: 100 })).toEqual([{ assetId: video, tenantId, staleVariants: 1 }]);
    // Without saying which names are renditions, the image would be counted too.
    const blind = await findStaleAssets(handle.db, { preset: videoPreset, specHashes: withClip, limit: 100 });
    expect(blind.map((f) => f.assetId).sort()).toEqual([image, video].sort());
  });
});

describe('stale variants of a preset with audio renditions', () => {
  const audioPreset = `${preset}-audio`;
  const withAudio = { ...specHashes, podcast: 'h-podcast', peaks: 'h-peaks' };
  const scope = { preset: audioPreset, specHashes: withAudio, audioVariants: ['podcast', 'peaks'] };

  it('counts a missing audio rendition only on audio, and cover art only on audio that has some', async () => {
    const image = await assetWith(specHashes, { preset: audioPreset });
    const video = await assetWith(specHashes, { preset: audioPreset, kind: 'video' });
    const withCover = await assetWith({ ...specHashes, podcast: 'h-podcast' }, { preset: audioPreset, kind: 'audio', placeholder: 'x' });
    const noCover = await assetWith({ peaks: 'h-peaks' }, { preset: audioPreset, kind: 'audio' });
    const found = await findStaleAssets(handle.db, { ...scope, limit: 100 });
    expect(Object.fromEntries(found.map((f) => [f.assetId, f.staleVariants]))).toEqual({ [withCover]: 1, [noCover]: 1 });
    expect([image, video].some((id) => found.some((f) => f.assetId === id))).toBe(false);
  });
});

describe('backfill job rows', () => {
  it('inserts one job per asset, leaving out assets that have an open job', async () => {
    const busy = await assetWith({});
    const idle = await assetWith({});
    await insertJob(handle.db, { assetId: busy, tenantId, kind: 'process', maxAttempts: 5 });
    const inserted = await insertJobsUnlessOpen(handle.db, {
      assets: [busy, idle].map((assetId) => ({ assetId, tenantId })),
      kind: 'reprocess',
      lane: 'backfill',
      maxAttempts: 5,
    });
    expect(inserted.map((j) => [j.assetId, j.kind, j.lane, j.state])).toEqual([[idle, 'reprocess', 'backfill', 'queued']]);
  });

  it('locks only assets that are still ready', async () => {
    const ready = await assetWith({});
    const failed = await assetWith({}, { status: 'failed' });
    const locked = await handle.db.transaction((tx) => lockReadyAssets(tx, { ids: [ready, failed, newId()] }));
    expect([...locked]).toEqual([ready]);
  });
});
