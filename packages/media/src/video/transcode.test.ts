import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadMediaError, DarkroomError } from '@darkroom/core/errors';
import { probeVideo } from './probe.js';
import { clip, ffprobeJson, outputDir, type ClipName } from './test-clips.js';
import { transcodeVideo } from './transcode.js';
import type { TranscodeOptions, VideoRenditionSpec } from './types.js';

const LIMITS = { maxDurationSeconds: 900, maxPixels: 4096 * 2160 };
const MP4_720P: VideoRenditionSpec = { format: 'mp4', fit: 'inside', width: 1280, height: 720, quality: 80 };

async function render(name: ClipName, spec: VideoRenditionSpec, options: Partial<TranscodeOptions> = {}) {
  const input = await clip(name);
  const dir = await outputDir();
  const outputPath = join(dir, `out.${spec.format}`);
  const result = await transcodeVideo(input, await probeVideo(input, LIMITS), spec, { outputPath, threads: 1, timeoutMs: 120_000, ...options });
  return { result, dir, outputPath, out: await ffprobeJson(outputPath) };
}

const video = (out: Awaited<ReturnType<typeof ffprobeJson>>) => out.streams.find((s) => s.codec_type === 'video')!;
const audio = (out: Awaited<ReturnType<typeof ffprobeJson>>) => out.streams.find((s) => s.codec_type === 'audio');

describe('transcodeVideo', () => {
  it('renders H.264 High 4:2:0 + AAC, upright, never upscaled, index first (faststart), no rotation left', async () => {
    const { result, dir, outputPath, out } = await render('rotated.mp4', MP4_720P);
    expect(result).toEqual({
      path: outputPath,
      width: 72,
      height: 128,
      durationSeconds: expect.closeTo(2, 0) as number,
      size: (await stat(outputPath)).size,
      contentType: 'video/mp4',
      toneMapped: false,
      hdrKept: false,
    });
    expect(video(out)).toMatchObject({ codec_name: 'h264', profile: 'High', pix_fmt: 'yuv420p', width: 72, height: 128 });
    expect(video(out).side_data_list ?? []).toEqual([]);
    expect(video(out).tags?.rotate).toBeUndefined();
    expect(audio(out)).toMatchObject({ codec_name: 'aac' });
    const bytes = await readFile(outputPath);
    expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat'));
    expect(await readdir(dir)).toEqual(['out.mp4']); // no temporary file left beside it
  });

  it('renders VP9 + Opus WebM, covering the box with even sides', async () => {
    const { result, out } = await render('hevc.mov', { format: 'webm', fit: 'cover', width: 51, height: 51, quality: 60 });
    expect(result).toMatchObject({ width: 50, height: 50, contentType: 'video/webm' });
    expect(video(out)).toMatchObject({ codec_name: 'vp9', width: 50, height: 50 });
    expect(audio(out)).toMatchObject({ codec_name: 'opus' });
  });

  it('renders non-square pixels at the displayed size, with square pixels', async () => {
    const { result, out } = await render('anamorphic.mp4', MP4_720P);
    expect(result).toMatchObject({ width: 128, height: 72 });
    expect(video(out)).toMatchObject({ width: 128, height: 72, sample_aspect_ratio: '1:1' });
  });

  it('caps the frame rate at 60', async () => {
    const { out } = await render('high-frame-rate.mp4', MP4_720P);
    expect(video(out)).toMatchObject({ avg_frame_rate: '60/1' });
  });

  it('carries no container metadata: no location (©xyz, ISO6709), title or creation date', async () => {
    const located = await ffprobeJson(await clip('located.mov'));
    expect(located.format.tags).toMatchObject({ 'com.apple.quicktime.location.ISO6709': expect.any(String) as string });
    const { outputPath, out } = await render('located.mov', MP4_720P);
    const tags = JSON.stringify([out.format.tags, ...out.streams.map((s) => s.tags)]);
    expect(tags).not.toMatch(/location|ISO6709|37\.3349|Secret place|creation_time|2024-05-01/i);
    const bytes = await readFile(outputPath);
    for (const needle of ['ISO6709', '+37.3349', '\u00a9xyz', 'Secret place']) expect(bytes.includes(needle, 0, 'latin1')).toBe(false);
  });

  it('tone-maps HLG to SDR BT.709 8-bit', async () => {
    const { result, out } = await render('hlg.mp4', MP4_720P);
    expect(result).toMatchObject({ toneMapped: true, hdrKept: false });
    expect(video(out)).toMatchObject({ pix_fmt: 'yuv420p', color_transfer: 'bt709', color_primaries: 'bt709' });
  });

  it('drops audio on request and cuts a preview clip at maxDuration', async () => {
    const { result, out } = await render('basic.mp4', { ...MP4_720P, audio: false, maxDuration: 1 });
    expect(audio(out)).toBeUndefined();
    expect(result.durationSeconds).toBeGreaterThan(0.8);
    expect(result.durationSeconds).toBeLessThan(1.2);
  });

  it.each<ClipName>(['vfr.mp4', 'ten-bit.mp4', 'vp9.webm', 'no-audio.mp4'])('renders %s to 8-bit H.264', async (name) => {
    const { out } = await render(name, { format: 'mp4', fit: 'inside', width: 64, height: 64, quality: 50 });
    expect(video(out)).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p', width: 64, height: 36 });
  });

  it('reports progress as a rising fraction, at most once a second', async () => {
    const reports: { fraction: number; at: number }[] = [];
    await render(
      'ten-seconds.mp4',
      { format: 'webm', fit: 'inside', quality: 80 },
      { onProgress: (fraction) => reports.push({ fraction, at: performance.now() }) },
    );
    expect(reports.length).toBeGreaterThan(0);
    for (const [i, report] of reports.entries()) {
      expect(report.fraction).toBeGreaterThan(0);
      expect(report.fraction).toBeLessThanOrEqual(1);
      if (i > 0) {
        expect(report.fraction).toBeGreaterThan(reports[i - 1]!.fraction);
        expect(report.at - reports[i - 1]!.at).toBeGreaterThanOrEqual(1000);
      }
    }
  });

  it('kills ffmpeg at the time limit: render_timeout, and nothing left on disk', async () => {
    const input = await clip('ten-seconds.mp4');
    const dir = await outputDir();
    const spec: VideoRenditionSpec = { format: 'webm', fit: 'inside', quality: 100 };
    const error = await transcodeVideo(input, await probeVideo(input, LIMITS), spec, {
      outputPath: join(dir, 'out.webm'),
      threads: 1,
      timeoutMs: 150,
    }).catch((e: unknown) => e);
    // Not bad media: the worker tries a timeout again (the machine may have been busy).
    expect(error).toBeInstanceOf(DarkroomError);
    expect(error).not.toBeInstanceOf(BadMediaError);
    expect(error).toMatchObject({ code: 'render_timeout' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects with an AbortError (not a DarkroomError) when aborted mid-render, and leaves nothing on disk', async () => {
    const input = await clip('ten-seconds.mp4');
    const dir = await outputDir();
    const controller = new AbortController();
    const spec: VideoRenditionSpec = { format: 'webm', fit: 'inside', quality: 100 };
    const abort = () => controller.abort(); // at the first progress report: ffmpeg is mid-render
    const options = { outputPath: join(dir, 'out.webm'), threads: 1, timeoutMs: 120_000, signal: controller.signal, onProgress: abort };
    const error = await transcodeVideo(input, await probeVideo(input, LIMITS), spec, options).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(error).not.toBeInstanceOf(DarkroomError);
    expect(await readdir(dir)).toEqual([]);
  });
});
