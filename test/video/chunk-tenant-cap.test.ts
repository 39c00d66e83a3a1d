import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { writePresetsFile } from '../support/presets.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { slowVideo, uploadVideo } from '../support/video.js';

/**
 * VIDEO_CHUNK_TENANT_PARTS: a tenant's long video never has more parts queued or rendering at once
 * than its cap, however many render slots are free, while another tenant's parts go beside them
 * under a cap of their own; the rest of each line is released as parts end, and both finish.
 */
const CAP = 2;
const harness = setupHarness(async () => {
  const presets = await writePresetsFile({ slowladder: [{ name: 'stream', format: 'hls', width: 320, height: 240, quality: 60 }] });
  return { env: { PRESETS_FILE: presets, VIDEO_CHUNK_SECONDS: '4', RENDER_CONCURRENCY: '4', VIDEO_CHUNK_TENANT_PARTS: String(CAP) } };
});
const a = setupTenant(harness, 'chunk-cap-a');
const b = setupTenant(harness, 'chunk-cap-b');

/** Each asset's parts in flight (queued or rendering) right now. */
async function inFlight(): Promise<Map<string, number>> {
  const entries = await harness.worker!.chunkQueue.getJobs(['waiting', 'prioritized', 'active', 'delayed']);
  const counts = new Map<string, number>();
  for (const entry of entries) if (entry) counts.set(entry.data.assetId, (counts.get(entry.data.assetId) ?? 0) + 1);
  return counts;
}

it("caps each tenant's parts in flight, and each line moves on as its parts end", async () => {
  const { asset: first } = await uploadVideo(a.client, await slowVideo(), 'video/mp4', 'slowladder');
  const { asset: second } = await uploadVideo(b.client, await slowVideo(), 'video/mp4', 'slowladder');
  const most = new Map<string, number>();
  for (let done = 0; done < 2; ) {
    for (const [assetId, count] of await inFlight()) most.set(assetId, Math.max(most.get(assetId) ?? 0, count));
    const views = await Promise.all([a.client.request('GET', `/v1/assets/${first.id}`), b.client.request('GET', `/v1/assets/${second.id}`)]);
    done = views.filter((v) => v.body.status === 'ready').length;
    expect(views.map((v) => v.body.status)).not.toContain('failed');
    await sleep(50);
  }
  // 21 parts each (the audio and 20 pieces), four render slots free: each tenant had its cap in flight, never more.
  expect([most.get(first.id), most.get(second.id)]).toEqual([CAP, CAP]);
}, 360_000);
