import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { BadMediaError } from '@darkroom/core/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIO_HEAD_BYTES, probeAudio } from './probe.js';
import { audioFile, type AudioName } from './test-audio.js';

const SIX_HOURS = 6 * 3600;
const limits = { maxDurationSeconds: SIX_HOURS };

/** What the probe refuses a file with: its code and the operator's detail. */
async function refusal(name: AudioName, options = limits): Promise<{ code: string; detail: string }> {
  const error = await probeAudio({ path: await audioFile(name) }, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, name).toBeInstanceOf(BadMediaError);
  const bad = error as BadMediaError;
  return { code: bad.code, detail: String(bad.details?.detail) };
}

describe('probeAudio (ffprobe)', () => {
  it.each<[AudioName, string, number]>([
    ['tone.mp3', 'mp3', 44_100],
    ['tone.m4a', 'aac', 44_100],
    ['tone.mp4', 'aac', 44_100],
    ['tone.aac', 'aac', 44_100],
    ['tone.wav', 'pcm_s16le', 44_100],
    ['tone.flac', 'flac', 44_100],
    ['tone-opus.ogg', 'opus', 48_000],
    ['tone-vorbis.ogg', 'vorbis', 44_100],
  ])('%s: codec %s at %d Hz, mono, about 3 s', async (name, codec, sampleRate) => {
    const probe = await probeAudio({ path: await audioFile(name) }, limits);
    expect(probe).toMatchObject({ codec, sampleRate, channels: 1, audioStreamIndex: 0, coverArtStreamIndex: null });
    expect(probe.durationSeconds).toBeGreaterThan(2.9);
    expect(probe.durationSeconds).toBeLessThan(3.2);
  });

  it('refuses seven hours of MP3 past a six-hour limit, and takes it under an eight-hour one', async () => {
    expect(await refusal('seven-hours.mp3')).toMatchObject({ code: 'audio_too_long', detail: 'duration 25200 s > limit 21600 s' });
    const probe = await probeAudio({ path: await audioFile('seven-hours.mp3') }, { maxDurationSeconds: 8 * 3600 });
    expect(probe).toMatchObject({ codec: 'mp3', sampleRate: 8000, channels: 1, durationSeconds: 25_200 });
  });

  it.each<[AudioName, string, RegExp]>([
    ['claims-4gb.wav', 'corrupt_audio', /claims 4294967280 bytes of sound; the file holds \d+/],
    ['text.mp3', 'corrupt_audio', /./],
    ['zero-duration.mp3', 'corrupt_audio', /./],
    ['xing-lies.mp3', 'corrupt_audio', /cannot hold|truncated/],
    ['truncated.m4a', 'corrupt_audio', /truncated|./],
    ['no-sound.m4a', 'corrupt_audio', /no audio stream/],
    ['adpcm.wav', 'unsupported_codec', /adpcm_ima_wav/],
  ])('%s: %s', async (name, code, detail) => {
    const found = await refusal(name);
    expect(found.code).toBe(code);
    expect(found.detail).toMatch(detail);
  });

  it.each<[AudioName, number]>([
    ['vbr-no-xing.mp3', 65],
    ['chained-short-last.ogg', 601],
    ['header-short.m4a', 600],
  ])('%s, whose header states less than it holds, is timed by its packets (%d s) and held to the limit so', async (name, seconds) => {
    const probe = await probeAudio({ path: await audioFile(name) }, limits);
    // Within a second and a half: a chained stream's clock starts again, so its last second may go uncounted.
    expect(probe.durationSeconds).toBeGreaterThan(seconds - 1.5);
    expect(probe.durationSeconds).toBeLessThan(seconds + 0.2);
    const refused = await refusal(name, { maxDurationSeconds: seconds - 5 });
    expect(refused.code).toBe('audio_too_long');
  });

  describe('through a URL, as the API reads an original in the bucket', () => {
    let server: Server;
    let base: string;
    const ranges: string[] = [];

    beforeAll(async () => {
      // A plain file server that honours Range, as S3 does: ffprobe must not need the whole file.
      server = createServer(async (req, res) => {
        const path = await audioFile(decodeURIComponent(req.url!.slice(1)) as AudioName);
        const bytes = await readFile(path);
        const match = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
        ranges.push(req.headers.range ?? 'whole');
        if (!match) return res.writeHead(200, { 'content-length': bytes.length, 'accept-ranges': 'bytes' }).end(bytes);
        const from = Number(match[1]);
        const to = match[2] ? Math.min(Number(match[2]), bytes.length - 1) : bytes.length - 1;
        res.writeHead(206, { 'content-range': `bytes ${from}-${to}/${bytes.length}`, 'content-length': to - from + 1, 'accept-ranges': 'bytes' });
        res.end(bytes.subarray(from, to + 1));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    async function fromUrl(name: AudioName) {
      const path = await audioFile(name);
      const head = (await readFile(path)).subarray(0, AUDIO_HEAD_BYTES);
      return { url: `${base}/${name}`, size: (await stat(path)).size, head };
    }

    it('probes by ranged reads, without fetching seven hours of MP3 whole', async () => {
      ranges.length = 0;
      expect((await probeAudio(await fromUrl('tone.m4a'), limits)).codec).toBe('aac');
      const error = await probeAudio(await fromUrl('seven-hours.mp3'), limits).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'audio_too_long' });
      expect(ranges.every((r) => r !== 'whole')).toBe(true);
    });

    it('keeps the URL out of what it says', async () => {
      const error = (await probeAudio(await fromUrl('text.mp3'), limits).catch((e: unknown) => e)) as BadMediaError;
      expect(error.code).toBe('corrupt_audio');
      expect(JSON.stringify(error.details)).not.toContain('127.0.0.1');
    });
  });
});
