import { randomBytes } from 'node:crypto';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, swapOriginal, type TestTenant } from '../support/fixtures.js';
import { startHarness, type Harness } from '../support/harness.js';
import { writePresetsFile } from '../support/presets.js';
import { waitFor } from '../support/services.js';
import { chunkObjectsOf, clip, filesUnder, mediaProcessesMentioning, slowVideo, uploadVideo } from '../support/video.js';

/**
 * A chunked ladder that does not finish ends as a single render's would: a DELETE while its chunks
 * render kills their ffmpeg and leaves no chunk, variant or temp file; chunks that run past their
 * time limit on every try fail the asset with render_timeout and a sentence, and leave no chunk;
 * a chunk whose original turned out not to be a video fails the asset with corrupt_video at once,
 * and a part still storing when its job gives up leaves nothing either.
 */
let tmpDir: string;

async function harnessWith(env: Record<string, string>, options: { withWorker?: boolean } = {}): Promise<{ harness: Harness; tenant: TestTenant }> {
  tmpDir = await mkdtemp(join(tmpdir(), 'darkroom-chunk-fail-'));
  const presets = await writePresetsFile({ slowladder: [{ name: 'stream', format: 'hls', width: 320, height: 240, quality: 60 }] });
  const harness = await startHarness({ env: { PRESETS_FILE: presets, TMP_DIR: tmpDir, VIDEO_CHUNK_SECONDS: '4', ...env }, ...options });
  return { harness, tenant: await createTestTenant(harness, 'hls-chunk-fail') };
}

describe('a DELETE while chunks render', () => {
  let harness: Harness;
  let tenant: TestTenant;
  beforeAll(async () => ({ harness, tenant } = await harnessWith({})));
  afterAll(() => harness?.close());

  it('kills their ffmpeg and leaves no chunk, variant, temp file or row', async () => {
    const { asset } = await uploadVideo(tenant.client, await slowVideo(), 'video/mp4', 'slowladder');
    await waitFor('a chunk to be rendering', async () => (await mediaProcessesMentioning('-ss')).some((l) => l.includes('http')), 120_000, 200);
    await waitFor('a chunk to be stored', async () => (await chunkObjectsOf(harness, tenant.tenantId, asset.id)).length > 1, 120_000, 200);
    expect((await tenant.client.request('DELETE', `/v1/assets/${asset.id}`)).status).toBe(204);

    await waitFor('the asset to be gone', async () => (await tenant.client.request('GET', `/v1/assets/${asset.id}`)).status === 404, 30_000);
    await waitFor('ffmpeg to be killed', async () => (await mediaProcessesMentioning(tmpDir)).length === 0, 15_000, 100);
    await waitFor('the temp files to go', async () => (await filesUnder(tmpDir)).length === 0, 15_000, 100);
    await waitFor('its variants to be gone', async () => (await harness.countVariantObjects(tenant.tenantId, asset.id)) === 0, 30_000);
    await waitFor('its chunks to be gone', async () => (await chunkObjectsOf(harness, tenant.tenantId, asset.id)).length === 0, 30_000);
  }, 240_000);
});

describe('chunks past their time limit on every try', () => {
  let harness: Harness;
  let tenant: TestTenant;
  beforeAll(async () => ({ harness, tenant } = await harnessWith({ VIDEO_CHUNK_TIMEOUT: '0.001x', JOB_RETRY_SCHEDULE: '100ms' })));
  afterAll(() => harness?.close());

  it('fail the asset with render_timeout and its sentence, as a single render would, and leave no chunk', async () => {
    const { asset, job } = await uploadVideo(tenant.client, await clip('ladder.mp4'), 'video/mp4', 'slowladder');
    const failed = await tenant.client.waitForAsset(asset.id, 240_000);
    expect(failed).toMatchObject({ status: 'failed', playable: false, variants: [], error: { code: 'render_timeout' } });
    expect(failed.error!.message).toMatch(/time limit/);
    expect((await tenant.client.request('GET', `/v1/jobs/${job.id}`)).body).toMatchObject({ state: 'failed', error: { code: 'render_timeout' } });
    await waitFor('its chunks to be gone', async () => (await chunkObjectsOf(harness, tenant.tenantId, asset.id)).length === 0, 30_000);
  }, 300_000);
});

describe('a chunk that fails for good (its original no longer a video)', () => {
  let harness: Harness;
  let tenant: TestTenant;
  beforeAll(async () => ({ harness, tenant } = await harnessWith({ JOB_RETRY_SCHEDULE: '100ms' })));
  afterAll(() => harness?.close());

  it('fails the asset with corrupt_video and its sentence, as a single render would, and leaves no chunk or variant', async () => {
    const { asset, job } = await uploadVideo(tenant.client, await slowVideo(), 'video/mp4', 'slowladder');
    await waitFor('a chunk to be stored', async () => (await chunkObjectsOf(harness, tenant.tenantId, asset.id)).length > 1, 120_000, 200);
    // The chunks still to render read random bytes where the video was: bad media, not tried again.
    await swapOriginal(harness, asset.id, randomBytes(await slowVideoSize()));

    const failed = await tenant.client.waitForAsset(asset.id, 240_000);
    expect(failed).toMatchObject({ status: 'failed', playable: false, variants: [], error: { code: 'corrupt_video' } });
    expect(failed.error!.message).not.toMatch(/https?:|originals\/|X-Amz|bucket/i);
    expect((await tenant.client.request('GET', `/v1/jobs/${job.id}`)).body).toMatchObject({ state: 'failed', error: { code: 'corrupt_video' } });
    await waitFor('ffmpeg to be gone', async () => (await mediaProcessesMentioning(tmpDir)).length === 0, 15_000, 100);
    await waitFor('its chunks to be gone', async () => (await chunkObjectsOf(harness, tenant.tenantId, asset.id)).length === 0, 30_000);
    expect(await harness.countVariantObjects(tenant.tenantId, asset.id)).toBe(0);
  }, 300_000);
});

describe('a part that stores its files after its job gave up', () => {
  let harness: Harness;
  let tenant: TestTenant;
  beforeAll(async () => ({ harness, tenant } = await harnessWith({ JOB_RETRY_SCHEDULE: '100ms', RENDER_CONCURRENCY: '2' }, { withWorker: false })));
  afterAll(() => harness?.close());

  it('leaves none of them once the failure is recorded', async () => {
    const late = holdLateStore(harness);
    harness.startWorker();
    const { asset } = await uploadVideo(tenant.client, await slowVideo(), 'video/mp4', 'slowladder');
    await late.arrived;
    // The parts that start from now on read random bytes: one fails for good, and so does the job.
    await swapOriginal(harness, asset.id, randomBytes(await slowVideoSize()));

    expect(await tenant.client.waitForAsset(asset.id, 240_000)).toMatchObject({ status: 'failed', error: { code: 'corrupt_video' } });
    // The order the hold is for: the job's own cleanup (once its failure is recorded), then the part's store, then the part's end.
    expect(late.order).toEqual(['job cleaned up', 'part stored', 'part ended']);
    await waitFor('its chunks to be gone', async () => (await chunkObjectsOf(harness, tenant.tenantId, asset.id)).length === 0, 30_000);
  }, 300_000);
});

/**
 * Holds the worker's first store of a rung's file until its job's own cleanup of the chunks has run,
 * then holds that cleanup until every part has ended: the part stores after the cleanup, and it is
 * the part's own read of its job, failed by then, that removes what it stored.
 */
function holdLateStore(harness: Harness) {
  const storage = harness.workerDeps.storage;
  const { putObject, deletePrefix } = storage;
  const order: string[] = [];
  let heldKey: string | undefined;
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrive = () => {};
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  storage.putObject = async (options) => {
    if (heldKey !== undefined || !/\/chunk-\d+-r\d+\.[^/]+$/.test(options.key)) return putObject(options);
    heldKey = options.key;
    arrive();
    await released;
    await putObject(options);
    order.push('part stored');
  };
  storage.deletePrefix = async (options) => {
    const result = await deletePrefix(options);
    if (heldKey?.startsWith(options.prefix) && !order.includes('job cleaned up')) {
      order.push('job cleaned up');
      release();
      await waitFor('the parts to end', async () => (await harness.worker!.chunkQueue.getActiveCount()) === 0, 120_000, 50);
      order.push('part ended');
    }
    return result;
  };
  return { arrived, order };
}

async function slowVideoSize(): Promise<number> {
  return (await stat(await slowVideo())).size;
}
