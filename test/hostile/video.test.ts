import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { expectNothingInternal, expectRefusal } from '../support/hostile.js';
import { clip, uploadVideo, type ClipName } from '../support/video.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * Hostile videos through the whole pipeline (real bucket, real worker, ffmpeg): each fails with
 * its own code at once (no retries), shows the tenant no word of ffmpeg's, and gives admins the
 * detail. Text named .mp4 is refused at `complete`, before any worker sees it.
 */
// Below the two-hour clip: the default (3 h, for chunked long videos) would take it.
const harness = setupHarness({ env: { VIDEO_MAX_DURATION: '1h' } });
const t = setupTenant(harness, 'hostile-video');

/** The raw error behind a failed job, as the admin job routes show it. */
async function adminDetail(jobId: string): Promise<string | undefined> {
  const page = (await harness.admin.request('GET', `/v1/admin/jobs?tenantId=${t.tenantId}&state=failed&limit=100`)).body;
  return page.items.find((j) => j.id === jobId)?.errorDetail ?? undefined;
}

/** ffmpeg's own vocabulary: none of it may reach a tenant. */
const FFMPEG_WORDS = /ffmpeg|ffprobe|moov atom|Invalid data|avcC|stsz|\[mov,mp4|0x[0-9a-f]{6,}|\/tmp\/|darkroom-/i;

describe('hostile videos', () => {
  it('text named .mp4 is refused at complete: 415 content_mismatch, as any bytes of another kind', async () => {
    for (const contentType of ['video/mp4', 'video/quicktime', 'video/webm']) {
      const bytes = new Uint8Array(await readFile(await clip('text.mp4')));
      const { asset } = await t.client.upload(bytes, { filename: 'clip.mp4', contentType });
      const complete = await t.client.request('POST', `/v1/uploads/${asset.id}/complete`, {});
      expectRefusal(harness, complete, 415, 'content_mismatch');
      expect((await t.client.request('GET', `/v1/assets/${asset.id}`)).body.status).toBe('awaiting_upload');
    }
    // A WebM declared as MP4 is bytes of another kind too.
    const webm = new Uint8Array(await readFile(await clip('vp9.webm')));
    const { asset } = await t.client.upload(webm, { filename: 'clip.mp4', contentType: 'video/mp4' });
    expectRefusal(harness, await t.client.request('POST', `/v1/uploads/${asset.id}/complete`, {}), 415, 'content_mismatch');
  });

  it.each<[ClipName, string]>([
    ['truncated.mp4', 'corrupt_video'],
    ['no-moov.mp4', 'corrupt_video'],
    ['zero-frames.mp4', 'corrupt_video'],
    ['audio-only.mp4', 'corrupt_video'],
    ['claims-65535.mp4', 'corrupt_video'],
    ['too-wide.mp4', 'too_many_pixels'],
    ['two-hours.mp4', 'video_too_long'],
  ])('%s fails with %s at once, in words of our own', async (name, code) => {
    const { asset, job } = await uploadVideo(t.client, await clip(name));
    const failed = await t.client.waitForAsset(asset.id, 120_000);
    expect(failed).toMatchObject({ status: 'failed', kind: 'video', variants: [] });
    expect(failed.error?.code).toBe(code);
    expect(failed.error?.message).not.toMatch(FFMPEG_WORDS);
    expectNothingInternal(harness, failed);

    const tenantJob = (await t.client.request('GET', `/v1/jobs/${job.id}`)).body;
    expect(tenantJob).toMatchObject({ state: 'failed', attempts: 1, error: { code } });
    expect(JSON.stringify(tenantJob)).not.toMatch(FFMPEG_WORDS);
    // Admins get the detail behind it.
    expect(await adminDetail(job.id), 'the admin view keeps the detail').toMatch(/BadMediaError: .*"detail":"\S/);
  });

  it('a codec this deployment cannot decode is unsupported_codec, naming the codec to admins only', async () => {
    // A clip whose video sample entry names a FourCC no decoder knows.
    const bytes = Buffer.from(await readFile(await clip('no-audio.mp4')));
    const at = bytes.indexOf('avc1', bytes.indexOf('stsd'));
    bytes.write('zzzz', at, 'latin1');
    const { asset, job } = await t.client.uploadAndComplete(new Uint8Array(bytes), { filename: 'odd.mp4', contentType: 'video/mp4' });
    const failed = await t.client.waitForAsset(asset.id, 120_000);
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('unsupported_codec');
    expect(failed.error?.message).not.toMatch(/zzzz|avc1/);
    const tenantJob = (await t.client.request('GET', `/v1/jobs/${job.id}`)).body;
    expect(tenantJob).toMatchObject({ state: 'failed', attempts: 1 });
    expect(JSON.stringify(tenantJob)).not.toMatch(/zzzz/);
    expect(await adminDetail(job.id)).toContain('"codec":"zzzz"');
  });

  it('the worker keeps serving after all of them', async () => {
    const { asset } = await uploadVideo(t.client, await clip('basic.mp4'));
    expect((await t.client.waitForAsset(asset.id, 120_000)).status).toBe('ready');
  });
});
