import type { HlsLadderResult } from '@darkroom/media';
import { describe, expect, it } from 'vitest';
import { storyboardRung } from './storyboards.js';

const rung = (width: number, height: number) => ({
  width,
  height,
  bandwidth: 0,
  averageBandwidth: 0,
  codecs: '',
  playlist: '',
  segments: [],
  seconds: 60,
});
const ladder = (...sizes: [number, number][]): HlsLadderResult => ({
  dir: '/tmp/x',
  master: 'master.m3u8',
  files: [],
  rungs: sizes.map(([w, h]) => rung(w, h)),
  durationSeconds: 60,
  size: 0,
  toneMapped: false,
  hdrKept: false,
});

describe('storyboardRung', () => {
  const fullHd = ladder([1920, 1080], [1280, 720], [854, 480], [640, 360], [426, 240]);

  it('takes the smallest rung at least twice the tile width', () => {
    expect(storyboardRung([fullHd], [{ width: 160 }], 1920)).toMatchObject({ index: 4 });
    expect(storyboardRung([fullHd], [{ width: 240 }], 1920)).toMatchObject({ index: 3 });
    expect(storyboardRung([fullHd], [{ width: 400 }], 1920)).toMatchObject({ index: 2 });
    // The widest of several storyboards decides.
    expect(storyboardRung([fullHd], [{ width: 160 }, { width: 480 }], 1920)).toMatchObject({ index: 1 });
  });

  it('a tile never wider than the video: a small video still reads its own-size rung', () => {
    expect(storyboardRung([ladder([320, 180])], [{ width: 160 }], 320)).toMatchObject({ index: 0 });
    expect(storyboardRung([ladder([200, 112])], [{ width: 160 }], 200)).toBeUndefined();
  });

  it('none without storyboards, ladders, or a rung wide enough: the original is read', () => {
    expect(storyboardRung([fullHd], [], 1920)).toBeUndefined();
    expect(storyboardRung([], [{ width: 160 }], 1920)).toBeUndefined();
    expect(storyboardRung([ladder([480, 270])], [{ width: 640 }], 1920)).toBeUndefined();
  });
});
