import type { Visibility } from '@darkroom/core/private-links';
import { getAsset } from '@darkroom/db/queries/assets';
import { getJob, latestAssetJob } from '@darkroom/db/queries/jobs';
import { listVariantsByAsset } from '@darkroom/db/queries/variants';
import { assetObjectLocation, assetObjectPrefixes, encodeObjectKey } from '@darkroom/storage';
import { afterAll, describe, expect, it } from 'vitest';
import { moveAssetObjects } from '../../apps/worker/src/visibility-move.js';
import { holdFirstCall } from '../support/hold.js';
import { spawnWorker, waitFor, type WorkerProcess } from '../support/services.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { clip, uploadVideo } from '../support/video.js';

/**
 * A visibility move and a render of the same asset never interleave: a public video turned private
 * while a backfill of its preset starts, its render in a real worker process, its move by the
 * worker's own code here (held at its first copy until the backfill has had every chance to start),
 * then both buckets listed. Before moves and jobs excluded each other, the backfill wrote its new
 * poster into the public bucket after the move had emptied it (or before, and the move deleted it):
 * anonymously readable for good, or a variant row pointing at nothing.
 */
const harness = setupHarness({ withWorker: false });
const t = setupTenant(harness, 'move-during-render');
let worker: WorkerProcess | undefined;
afterAll(() => worker?.child.kill('SIGKILL'));

const preset = (posterWidth: number) => ({
  variants: [
    { name: 'poster', fit: 'inside', width: posterWidth, height: posterWidth, format: 'webp', quality: 70 } as const,
    { name: 'stream', format: 'hls', width: 320, height: 180, quality: 60 } as const,
  ],
});

/** Every key of the asset's derived objects in one place. */
async function keysIn(visibility: Visibility, asset: { id: string; tenantId: string }): Promise<string[]> {
  const keys: string[] = [];
  for (const prefix of assetObjectPrefixes(asset)) {
    const place = assetObjectLocation(harness.api.config.storage, visibility, prefix);
    for await (const object of harness.api.storage.listObjects({ bucket: place.bucket, prefix: place.key })) {
      keys.push(`${prefix}${object.key.slice(place.key.length)}`);
    }
  }
  return keys.sort();
}

describe('a move and a render of one asset', () => {
  it('never interleave: a backfill started during a move to private renders into the private place, after it', async () => {
    worker = spawnWorker({ QUEUE_PREFIX: harness.prefix });
    expect((await t.client.request('PUT', '/v1/presets/clips', preset(160))).status).toBe(200);
    const { asset: queued } = await uploadVideo(t.client, await clip('stream.mp4'), 'video/mp4', 'clips');
    const ready = await t.client.waitForAsset(queued.id, 180_000);
    expect(ready.status).toBe('ready');
    const asset = { id: ready.id, tenantId: t.tenantId };
    expect((await keysIn('public', asset)).length).toBeGreaterThan(3);

    expect((await t.client.request('PATCH', `/v1/assets/${asset.id}`, { visibility: 'private' })).status).toBe(200);
    const held = holdFirstCall(harness.workerDeps.storage, 'copyObject');
    try {
      const moving = moveAssetObjects(harness.workerDeps, (await getAsset(harness.api.db, { id: asset.id }))!);
      await held.reached;
      // A preset backfill starts while the move is under way.
      expect((await t.client.request('PUT', '/v1/presets/clips', preset(120))).status).toBe(200);
      expect((await t.client.request('POST', '/v1/presets/clips/backfill', {})).body.queued).toBe(1);
      const job = (await latestAssetJob(harness.api.db, { assetId: asset.id }))!;
      expect(job.kind).toBe('backfill');
      // Its every chance to start: it is picked up within a second when nothing holds it.
      await waitFor('the backfill to start', async () => (await getJob(harness.api.db, { id: job.id }))?.state === 'active', 8_000).catch(() => {});
      held.release();
      expect(await moving).toBe('moved');
      const done = await waitFor(
        'the backfill to finish',
        async () => {
          const row = await getJob(harness.api.db, { id: job.id });
          return row?.state === 'completed' || row?.state === 'failed' ? row : null;
        },
        120_000,
      );
      expect(done.state).toBe('completed');
    } finally {
      held.release();
      held.restore();
    }

    expect(await keysIn('public', asset)).toEqual([]);
    const inPrivate = new Set(await keysIn('private', asset));
    const variants = (await listVariantsByAsset(harness.api.db, { assetIds: [asset.id] })).get(asset.id) ?? [];
    const poster = variants.find((v) => v.name === 'poster');
    expect(poster?.width).toBe(120);
    for (const variant of variants) expect(inPrivate.has(variant.key), `${variant.name} in the private place`).toBe(true);
    // Nor readable by anybody: the public bucket answers no GET of the new poster.
    const publicPoster = assetObjectLocation(harness.api.config.storage, 'public', poster!.key);
    const res = await fetch(`${harness.api.config.storage.endpoint}/${publicPoster.bucket}/${encodeObjectKey(publicPoster.key)}`);
    await res.arrayBuffer();
    expect(res.status).not.toBe(200);
  });
});
