import { describe, expect, it } from 'vitest';
import { BadMediaError, type BadMediaCode } from '@darkroom/core/errors';
import { probeVideo } from './probe.js';
import { clip, type ClipName } from './test-clips.js';

/** The spec's defaults: 15 minutes, 4096x2160. */
const LIMITS = { maxDurationSeconds: 900, maxPixels: 4096 * 2160 };

async function probeError(name: ClipName, limits = LIMITS): Promise<BadMediaError> {
  const error = await probeVideo(await clip(name), limits).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BadMediaError);
  return error as BadMediaError;
}

describe('probeVideo', () => {
  it('reads an H.264/AAC MP4: size, duration, codec, frame rate, audio, frames', async () => {
    expect(await probeVideo(await clip('basic.mp4'), LIMITS)).toEqual({
      container: 'mp4',
      width: 128,
      height: 72,
      rotation: 0,
      codedWidth: 128,
      codedHeight: 72,
      durationSeconds: 2,
      codec: 'h264',
      fps: 10,
      audio: true,
      audioCodec: 'aac',
      frames: 20,
      bitDepth: 8,
      hdr: null,
      videoStreamIndex: 0,
      audioStreamIndex: 1,
    });
  });

  it('reports a rotated video as displayed, with the coded size beside it', async () => {
    const probe = await probeVideo(await clip('rotated.mp4'), LIMITS);
    expect(probe).toMatchObject({ width: 72, height: 128, codedWidth: 128, codedHeight: 72 });
    expect([90, 270]).toContain(probe.rotation);
  });

  it('gives a variable frame rate video its average rate', async () => {
    // 5 frames in the first second, 25 in the next: 30 frames over 1.96 s.
    const probe = await probeVideo(await clip('vfr.mp4'), LIMITS);
    expect(probe.frames).toBe(30);
    expect(probe.fps).toBeGreaterThan(10);
    expect(probe.fps).toBeLessThan(25);
  });

  it('reads a video without audio, 10-bit video, VP9 WebM and HEVC in QuickTime', async () => {
    expect(await probeVideo(await clip('no-audio.mp4'), LIMITS)).toMatchObject({ audio: false, audioCodec: null, audioStreamIndex: null });
    expect(await probeVideo(await clip('ten-bit.mp4'), LIMITS)).toMatchObject({ bitDepth: 10, hdr: null });
    expect(await probeVideo(await clip('vp9.webm'), LIMITS)).toMatchObject({
      container: 'webm',
      codec: 'vp9',
      audioCodec: 'opus',
      audio: true,
      frames: null,
      width: 128,
    });
    expect(await probeVideo(await clip('hevc.mov'), LIMITS)).toMatchObject({ container: 'mov', codec: 'hevc', width: 128, height: 72 });
  });

  it('counts the packets of a WebM that states no duration (recorded live), and stops once past the limit', async () => {
    const probe = await probeVideo(await clip('live.webm'), LIMITS);
    expect(probe).toMatchObject({ container: 'webm', codec: 'vp9', width: 128 });
    expect(probe.durationSeconds).toBeCloseTo(3, 1);
    const error = await probeError('live.webm', { ...LIMITS, maxDurationSeconds: 1 });
    expect(error.code).toBe('video_too_long');
    expect(error.details).toMatchObject({ maxDurationSeconds: 1 });
  });

  it('recognises HLG', async () => {
    expect(await probeVideo(await clip('hlg.mp4'), LIMITS)).toMatchObject({ hdr: 'hlg', bitDepth: 10 });
  });

  it('refuses a two-hour video from its header, before anything decodes', async () => {
    const error = await probeError('two-hours.mp4');
    expect(error.code).toBe('video_too_long');
    expect(error.message).toContain('2:00:00');
    expect(error.message).toContain('15:00');
    expect(error.details).toMatchObject({ durationSeconds: 7200, maxDurationSeconds: 900 });
  });

  it('refuses frames over the pixel limit with too_many_pixels', async () => {
    const error = await probeError('too-wide.mp4');
    expect(error.code).toBe('too_many_pixels');
    expect(error.details).toMatchObject({ width: 4112, height: 2160, maxPixels: 4096 * 2160 });
    expect(error.message).toContain('4112x2160');
    expect((await probeError('basic.mp4', { ...LIMITS, maxPixels: 128 * 72 - 1 })).code).toBe('too_many_pixels');
  });

  it('never trusts a container that claims 65535x65535: refused without parameter sets, the real size with them', async () => {
    expect((await probeError('claims-65535.mp4')).code).toBe('corrupt_video');
    expect(await probeVideo(await clip('claims-65535-with-sps.mp4'), LIMITS)).toMatchObject({ width: 128, height: 72 });
  });

  it('refuses a codec outside the accepted ones with unsupported_codec, naming it for the admin only', async () => {
    const error = await probeError('ffv1.mkv');
    expect(error.code).toBe('unsupported_codec');
    expect(error.details).toMatchObject({ codec: 'ffv1' });
    expect(error.details?.detail).toContain('ffv1');
    expect(error.message).not.toContain('ffv1');
  });

  it.each<[ClipName, BadMediaCode, RegExp]>([
    ['audio-only.mp4', 'corrupt_video', /no video stream/],
    ['text.mp4', 'corrupt_video', /invalid data|moov atom/i],
    ['truncated.mp4', 'corrupt_video', /truncated/],
    ['no-moov.mp4', 'corrupt_video', /moov atom not found/],
    ['zero-frames.mp4', 'corrupt_video', /./],
  ])('refuses %s with %s', async (name, code, detail) => {
    const error = await probeError(name);
    expect(error.code).toBe(code);
    expect(error.details?.detail).toMatch(detail);
    // ffprobe's words stay in the admin-only detail; the tenant reads our sentence.
    expect(error.message).not.toMatch(/ffprobe|moov|\/tmp|mov,mp4/);
  });

  it('stops at an aborted signal with an AbortError', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await probeVideo(await clip('basic.mp4'), { ...LIMITS, signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(error).not.toBeInstanceOf(BadMediaError);
  });
});
