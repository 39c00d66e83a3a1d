import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { fixture } from '../support/images.js';
import { writePresetsFile } from '../support/presets.js';
import { waitFor } from '../support/services.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { mediaProcessIdsMentioning, slowVideo, uploadVideo } from '../support/video.js';

/**
 * The render gate's rule for chunk parts, end to end on a worker with one render slot: while a long
 * video's part holds that slot, another tenant's photo is rendered beside it rather than after the
 * piece. The part's ffmpeg is stopped (SIGSTOP) while the photo is uploaded, so the piece cannot end
 * first: a photo that waited for the slot would wait for good.
 */
let tmpDir: string;
const harness = setupHarness(async () => {
  tmpDir = await mkdtemp(join(tmpdir(), 'darkroom-chunk-slots-'));
  const presets = await writePresetsFile({ slowladder: [{ name: 'stream', format: 'hls', width: 320, height: 240, quality: 60 }] });
  const env = { PRESETS_FILE: presets, TMP_DIR: tmpDir, VIDEO_CHUNK_SECONDS: '4', RENDER_CONCURRENCY: '1', VIDEO_CHUNK_TIMEOUT: '10m' };
  return { env };
});
/** Where the worker's parts render: their temp directories, in the worker's own one in TMP_DIR. */
const partDirs = async () => join(tmpDir, (await readdir(tmpDir)).find((name) => name.startsWith('darkroom-worker_'))!, 'darkroom-chunk-');
const a = setupTenant(harness, 'chunk-slots-video');
const b = setupTenant(harness, 'chunk-slots-photo');

it("a photo uploaded while a part holds a one-slot worker's only slot is ready while that piece is still unfinished", async () => {
  const { asset: video } = await uploadVideo(a.client, await slowVideo(), 'video/mp4', 'slowladder');
  const [pid] = await waitFor(
    'a part to be rendering',
    async () => mediaProcessIdsMentioning(await partDirs()).then((p) => p.length > 0 && p),
    120_000,
    50,
  );
  process.kill(pid!, 'SIGSTOP');
  try {
    const { asset: photo } = await b.client.uploadFile(fixture('DSCN0010.jpg'), 'image/jpeg');
    expect(await b.client.waitForAsset(photo.id, 90_000)).toMatchObject({ status: 'ready' });
    // The piece that held the slot is still where it was stopped: the photo did not wait for it.
    expect(await mediaProcessIdsMentioning(await partDirs())).toContain(pid);
  } finally {
    process.kill(pid!, 'SIGCONT');
  }
  expect(await a.client.waitForAsset(video.id, 240_000)).toMatchObject({ status: 'ready', playable: true });
}, 360_000);
