import { describe, expect, it } from 'vitest';
import { fetchLadder, keyframeTimesOf } from '../support/hls.js';
import { waitFor } from '../support/services.js';
import { chunkedLadderEnv, chunkObjectsOf, clip, downloadRendition, uploadVideo } from '../support/video.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * A video longer than VIDEO_CHUNK_SECONDS through the real API, bucket, queue and worker: its
 * ladder rendered as chunks (ChunkRender entries), playable once the lowest rung of every chunk and
 * the audio are joined, then ready with the whole ladder, as a single render would have made it, and
 * no chunk object left in the bucket. (Lost queue entries: test/serial/chunk-flow-reconcile.test.ts.)
 */
const harness = setupHarness(chunkedLadderEnv);
const tenant = setupTenant(harness, 'hls-chunked');

const byName = (asset: any, name: string) => asset.variants.find((v: any) => v.name === name);

const chunkObjects = (assetId: string) => chunkObjectsOf(harness, tenant.tenantId, assetId);

describe('a chunked ladder, end to end', () => {
  it('is playable with its lowest rung first (asset.playable, still processing), then ready with every rung aligned, and leaves no chunk behind', async () => {
    const { asset: queued, job } = await uploadVideo(tenant.client, await clip('ladder.mp4'), 'video/mp4', 'ladder');
    expect(queued).toMatchObject({ playable: false });
    const asset = await tenant.client.waitForAsset(queued.id, 180_000);
    expect(asset).toMatchObject({ status: 'ready', playable: true, kind: 'video', width: 640, height: 360, error: null });

    const feed = await tenant.client.feed({ assetId: asset.id });
    expect(feed.map((e) => e.type)).toEqual(['asset.uploaded', 'asset.processing', 'asset.playable', 'asset.ready']);
    const early: any = feed[2]!.data.asset;
    expect(early).toMatchObject({ status: 'processing', playable: true });
    expect(early.variants.map((v: any) => [v.name, v.format])).toEqual([['stream', 'hls']]);
    expect(early.variants[0].renditions).toEqual([{ width: 426, height: 240, bandwidth: expect.any(Number) }]);

    const stream = byName(asset, 'stream');
    expect(stream.url).toBe(early.variants[0].url); // the same master playlist, now listing every rung
    expect(stream.renditions).toEqual([
      { width: 640, height: 360, bandwidth: expect.any(Number) },
      { width: 426, height: 240, bandwidth: expect.any(Number) },
    ]);
    const { master, rungs } = await fetchLadder(stream.url);
    expect(master.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(rungs.map((r) => r.attributes.RESOLUTION).sort()).toEqual(['426x240', '640x360']);
    for (const rung of rungs) {
      expect(rung.durations).toEqual([2, 2, 1]);
      expect(rung.attributes.CODECS).toMatch(/^avc1\.64[0-9a-f]{4},mp4a\.40\.2$/);
    }
    const [high, low] = await Promise.all(rungs.map((r) => keyframeTimesOf(r.segments)));
    expect(high).toEqual(low);
    expect(high).toHaveLength(3);

    // The MP4 rendition is the joined 360-line rung remuxed, with its audio.
    const mp4 = await downloadRendition(byName(asset, '360p').url);
    expect(mp4.probe.streams.map((s) => [s.codec_type, s.codec_name])).toEqual([
      ['video', 'h264'],
      ['audio', 'aac'],
    ]);
    expect((await tenant.client.request('GET', `/v1/jobs/${job.id}`)).body).toMatchObject({ state: 'completed', progress: 1 });
    await waitFor('the chunks to be gone', async () => (await chunkObjects(asset.id)).length === 0, 10_000);
  }, 240_000);
});
