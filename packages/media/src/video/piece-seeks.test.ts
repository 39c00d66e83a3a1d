import { describe, expect, it } from 'vitest';
import { halveHlsChunks, planHlsChunks } from './hls-chunks.js';
import { piecesDecodeNearTheirRange, seekLandings } from './piece-seeks.js';
import { probeVideo } from './probe.js';
import { clip, type ClipName } from './test-clips.js';

const LIMITS = { maxDurationSeconds: 900, maxPixels: 4096 * 2160 };

async function probed(name: ClipName) {
  const input = await clip(name);
  return { input, probe: await probeVideo(input, LIMITS) };
}

const piecesOf = (duration: number, chunkSeconds: number) => halveHlsChunks(planHlsChunks(duration, 2, chunkSeconds), 2);

describe('seekLandings', () => {
  it('finds the keyframe a seek lands on, as -ss before the input does: at or before each time', async () => {
    const keyed = await probed('keyframe-each-second.mp4');
    expect(await seekLandings(keyed.input, keyed.probe, [2, 4.5, 11.9])).toEqual([2, 4, 11].map((t) => expect.closeTo(t, 2) as number));
    const single = await probed('one-keyframe.mp4');
    expect(await seekLandings(single.input, single.probe, [2, 4.5, 8])).toEqual([0, 0, 0].map((t) => expect.closeTo(t, 2) as number));
  });

  it('is null, not a guess, for a file ffprobe cannot read', async () => {
    const keyed = await probed('keyframe-each-second.mp4');
    expect(await seekLandings(await clip('text.mp4'), keyed.probe, [2, 4])).toBeNull();
  });
});

describe('piecesDecodeNearTheirRange', () => {
  it('takes pieces of a source with keyframes at most a piece apart, and not of one whose only keyframe is its first frame', async () => {
    const keyed = await probed('keyframe-each-second.mp4');
    expect(await piecesDecodeNearTheirRange(keyed.input, keyed.probe, piecesOf(keyed.probe.durationSeconds, 4))).toBe(true);
    const single = await probed('one-keyframe.mp4');
    const pieces = piecesOf(single.probe.durationSeconds, 4);
    expect(pieces.length).toBeGreaterThan(2);
    expect(await piecesDecodeNearTheirRange(single.input, single.probe, pieces)).toBe(false);
    // One piece, or a second starting within a piece's length of the keyframe, decodes nothing far off.
    expect(await piecesDecodeNearTheirRange(single.input, single.probe, pieces.slice(0, 2))).toBe(true);
  });
});
