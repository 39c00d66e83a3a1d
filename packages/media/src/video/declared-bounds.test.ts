import { join } from 'node:path';
import { BadMediaError } from '@darkroom/core/errors';
import { describe, expect, it } from 'vitest';
import { assertJoinedWithinDeclared, assertNothingPastDeclared, readEndSeconds, readLimitArgs } from './declared-bounds.js';
import { halveHlsChunks, planHlsChunks, renderHlsAudio, renderHlsChunk } from './hls-chunks.js';
import { joinHlsLadder } from './hls-join.js';
import { renderHlsLadder } from './hls.js';
import { probeVideo } from './probe.js';
import { renderStoryboard } from './storyboard.js';
import { clip, ffprobeJson, outputDir, videoFrames } from './test-clips.js';
import { rungTimeline } from './test-hls-timeline.js';
import { transcodeVideo } from './transcode.js';
import type { HlsLadderResult, HlsLadderSpec, VideoProbe } from './types.js';

const LIMITS = { maxDurationSeconds: 900, maxPixels: 4096 * 2160 };
const SPEC: HlsLadderSpec = { width: 320, height: 240, quality: 50, segmentSeconds: 2 };
const TIMEOUT_MS = 240_000;
const OPTIONS = { threads: 1, timeoutMs: TIMEOUT_MS };

const durationOf = async (path: string) => Number((await ffprobeJson(path)).format.duration);

/** A ladder of one rung the way the worker makes it in pieces: each piece, the audio once, the join. */
async function inPieces(input: string, probe: VideoProbe, chunkSeconds: number): Promise<{ ladder: HlsLadderResult; pieces: string[] }> {
  const work = await outputDir();
  const pieces = halveHlsChunks(planHlsChunks(probe.durationSeconds, SPEC.segmentSeconds, chunkSeconds), SPEC.segmentSeconds);
  const files: string[] = [];
  for (const piece of pieces)
    files.push((await renderHlsChunk(input, probe, SPEC, piece, [0], { ...OPTIONS, outputDir: join(work, 'chunks') })).files[0]!.path);
  const audio = await renderHlsAudio(input, probe, SPEC, { outputDir: join(work, 'audio'), timeoutMs: TIMEOUT_MS });
  const parts = { chunkFiles: [files], audio: audio?.path ?? null };
  return { ladder: await joinHlsLadder(parts, probe, SPEC, [0], { outputDir: join(work, 'ladder'), timeoutMs: TIMEOUT_MS }), pieces: files };
}

describe('what a video declares', () => {
  it('is read up to its duration and a segment; a packet starting more than half a default segment past it is refused', () => {
    const probe = { durationSeconds: 61 };
    expect(readEndSeconds(probe, 4)).toBe(65);
    expect(readLimitArgs(probe, 4)).toEqual(['-t', '65']);
    expect(readLimitArgs(probe, 4, 60.5)).toEqual(['-t', '4.5']);
    expect(() => assertNothingPastDeclared(63, probe)).not.toThrow();
    let refusal: unknown;
    try {
      assertNothingPastDeclared(63.5, probe);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(BadMediaError);
    expect(refusal).toMatchObject({ code: 'corrupt_video', details: { declaredSeconds: 61, runsToSeconds: 63.5 } });
  });

  it('a header declaring 20 s over 5 minutes of streams is refused by the probe; packets past an edit list, only decoded, are not', async () => {
    const lying = probeVideo(await clip('runs-past-header.webm'), LIMITS);
    await expect(lying).rejects.toMatchObject({ code: 'corrupt_video', details: { declaredSeconds: 20 } });
    const { runsToSeconds } = ((await lying.catch((error: unknown) => error)) as BadMediaError).details as { runsToSeconds: number };
    // The probe reads no further than the farthest a render reads past the declared end: a segment of 10 s.
    expect(runsToSeconds).toBeGreaterThan(22);
    expect(runsToSeconds).toBeLessThanOrEqual(30);
    expect((await probeVideo(await clip('trimmed-by-edit-list.mp4'), LIMITS)).durationSeconds).toBeCloseTo(6, 1);
  });

  it(
    'every read of a file longer than its probe says stops a segment past that: the last piece, the audio, the join, one pass, a rendition, a storyboard',
    async () => {
      const input = await clip('five-quiet-minutes.webm');
      // What a render of a file declaring 20 s is given, whatever the file holds.
      const probe: VideoProbe = { ...(await probeVideo(input, LIMITS)), durationSeconds: 20 };
      const { ladder, pieces } = await inPieces(input, probe, 8);
      // Each piece keeps the source's timeline in its file (shifted by 10 s): the last ends by 22 s.
      expect(Number((await ffprobeJson(pieces.at(-1)!)).format.duration)).toBeLessThanOrEqual(22 - 16 + 0.6);
      expect(ladder.durationSeconds).toBeGreaterThan(21);
      expect(ladder.durationSeconds).toBeLessThanOrEqual(22.1);
      const one = await renderHlsLadder(input, probe, SPEC, { ...OPTIONS, outputDir: join(await outputDir(), 'one') });
      expect(one.durationSeconds).toBeLessThanOrEqual(22.1);
      // Renditions and storyboards have no segments: a ladder's default one (4 s).
      const spec = { format: 'mp4', fit: 'inside', width: 16, height: 16, quality: 40 } as const;
      const rendition = await transcodeVideo(input, probe, spec, { ...OPTIONS, outputPath: join(await outputDir(), 'small.mp4') });
      expect(await durationOf(rendition.path)).toBeLessThanOrEqual(24.1);
      const board = await renderStoryboard(input, probe, { ...OPTIONS, tileWidth: 16, maxTiles: 100, spriteUrl: 'x.webp' });
      expect(board.tiles).toBe(20);
    },
    TIMEOUT_MS,
  );

  it(
    'a joined ladder is bounded by the declared duration, and one longer than it and two segments is refused before it is published',
    async () => {
      expect(() => assertJoinedWithinDeclared(24, { durationSeconds: 20 }, 2)).not.toThrow();
      let refusal: unknown;
      try {
        assertJoinedWithinDeclared(24.5, { durationSeconds: 20 }, 2);
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toMatchObject({ code: 'corrupt_video', details: { declaredSeconds: 20, runsToSeconds: 24.5 } });
      // Pieces of a file read as 20 s long, joined for one that declares 12 s: the join reads no further than 12 s and a segment.
      const input = await clip('five-quiet-minutes.webm');
      const probe: VideoProbe = { ...(await probeVideo(input, LIMITS)), durationSeconds: 20 };
      const { pieces } = await inPieces(input, probe, 8);
      const shorter = { ...probe, durationSeconds: 12 };
      const joined = await joinHlsLadder({ chunkFiles: [pieces], audio: null }, shorter, SPEC, [0], {
        outputDir: join(await outputDir(), 'j'),
        timeoutMs: TIMEOUT_MS,
      });
      expect(joined.durationSeconds).toBeLessThanOrEqual(readEndSeconds(shorter, 2 * SPEC.segmentSeconds));
    },
    TIMEOUT_MS,
  );

  it(
    'a sparse file claiming 120 fps keeps its own frames at their own times, no more, in one pass, in pieces and as a rendition',
    async () => {
      const input = await clip('sparse.webm');
      const probe = await probeVideo(input, LIMITS);
      expect(probe.fps).toBe(120);
      const frames = await videoFrames(input);
      const one = await rungTimeline(...paths(await renderHlsLadder(input, probe, SPEC, { ...OPTIONS, outputDir: join(await outputDir(), 'one') })));
      expect(one.framePts).toHaveLength(frames);
      // Each frame lasts until the next (half a second): the timeline is the source's, not squeezed at each segment's end.
      expect(one.framePts.map((t) => t - one.framePts[0]!)).toEqual(one.framePts.map((_, i) => expect.closeTo(i * 0.5, 2) as number));
      const joined = await rungTimeline(...paths((await inPieces(input, probe, 20)).ladder));
      expect(joined.framePts).toEqual(one.framePts.map((t) => expect.closeTo(t, 2) as number));
      const spec = { format: 'mp4', fit: 'inside', width: 32, height: 32, quality: 40 } as const;
      const rendition = await transcodeVideo(input, probe, spec, { ...OPTIONS, outputPath: join(await outputDir(), 'small.mp4') });
      expect(await videoFrames(rendition.path)).toBe(frames);
    },
    TIMEOUT_MS,
  );
});

const paths = (ladder: HlsLadderResult): [string, string] => [ladder.dir, ladder.rungs[0]!.playlist];
