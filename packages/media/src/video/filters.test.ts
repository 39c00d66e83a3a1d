import { describe, expect, it } from 'vitest';
import { planFrame, toneMapFilter, videoFilter } from './filters.js';
import { crfFor } from './transcode-args.js';
import type { VideoProbe } from './types.js';

const PROBE: VideoProbe = {
  container: 'mp4',
  width: 1920,
  height: 1080,
  rotation: 0,
  codedWidth: 1920,
  codedHeight: 1080,
  durationSeconds: 10,
  codec: 'h264',
  fps: 30,
  audio: true,
  audioCodec: 'aac',
  frames: 300,
  bitDepth: 8,
  hdr: null,
  videoStreamIndex: 0,
  audioStreamIndex: 1,
};

describe('planFrame', () => {
  it('fits inside the box without enlarging, with even sides', () => {
    expect(planFrame({ fit: 'inside', width: 1280, height: 720 }, { width: 1920, height: 1080 }).output).toEqual({ width: 1280, height: 720 });
    expect(planFrame({ fit: 'inside', width: 1280, height: 720 }, { width: 640, height: 360 }).output).toEqual({ width: 640, height: 360 });
    // A portrait phone video in a landscape box: 720 high, 405 → 404 wide.
    expect(planFrame({ fit: 'inside', width: 1280, height: 720 }, { width: 1080, height: 1920 }).output).toEqual({ width: 404, height: 720 });
    expect(planFrame({ fit: 'inside', width: 1280, height: 720 }, { width: 1, height: 1 }).output).toEqual({ width: 2, height: 2 });
  });

  it('treats a missing side as unbounded', () => {
    expect(planFrame({ fit: 'inside', width: 640 }, { width: 1920, height: 1080 }).output).toEqual({ width: 640, height: 360 });
    expect(planFrame({ fit: 'cover', height: 360 }, { width: 1920, height: 1080 }).output).toEqual({ width: 640, height: 360 });
    expect(planFrame({ fit: 'inside' }, { width: 1921, height: 1081 }).output).toEqual({ width: 1920, height: 1080 });
  });

  it('covers the box: scaled to fill, then centre-cropped to the box', () => {
    expect(planFrame({ fit: 'cover', width: 256, height: 256 }, { width: 1920, height: 1080 })).toEqual({
      scaled: { width: 455, height: 256 },
      output: { width: 256, height: 256 },
    });
  });

  it('covers a box larger than the video with the largest crop of its aspect, unscaled (as images do)', () => {
    expect(planFrame({ fit: 'cover', width: 1000, height: 1000 }, { width: 640, height: 360 })).toEqual({
      scaled: { width: 640, height: 360 },
      output: { width: 360, height: 360 },
    });
  });
});

describe('videoFilter', () => {
  it('scales, crops and converts to 8-bit 4:2:0 square pixels', () => {
    const plan = videoFilter(PROBE, { fit: 'cover', width: 256, height: 256 }, true);
    expect(plan.filter).toBe('scale=455:256:flags=lanczos,crop=256:256,setsar=1,format=yuv420p');
    expect(plan).toMatchObject({ toneMapped: false, hdrKept: false });
  });

  it('leaves the size alone when nothing changes', () => {
    expect(videoFilter(PROBE, { fit: 'inside', width: 4096, height: 4096 }, true).filter).toBe('setsar=1,format=yuv420p');
  });

  it('scales non-square pixels to the displayed size even when no box shrinks it', () => {
    const anamorphic = { ...PROBE, width: 853, height: 480, codedWidth: 720, codedHeight: 480 };
    expect(videoFilter(anamorphic, { fit: 'inside', width: 1280, height: 720 }, true).filter).toBe(
      'scale=852:480:flags=lanczos,setsar=1,format=yuv420p',
    );
  });

  it('tone-maps HDR when the filters exist, and keeps it (flagged) when they do not', () => {
    const hlg = { ...PROBE, hdr: 'hlg' as const };
    const mapped = videoFilter(hlg, { fit: 'inside', width: 1280, height: 720 }, true);
    expect(mapped.filter).toContain(toneMapFilter('hlg'));
    expect(mapped.filter).toContain('zscale=tin=arib-std-b67');
    expect(mapped).toMatchObject({ toneMapped: true, hdrKept: false });
    const kept = videoFilter({ ...PROBE, hdr: 'pq' }, { fit: 'inside', width: 1280, height: 720 }, false);
    expect(kept.filter).not.toContain('zscale');
    expect(kept).toMatchObject({ toneMapped: false, hdrKept: true });
    expect(toneMapFilter('pq')).toContain('tin=smpte2084');
  });
});

describe('crfFor', () => {
  it('maps quality 1..100 onto each encoder’s CRF range, higher quality lower CRF', () => {
    expect([1, 50, 80, 100].map((q) => crfFor('mp4', q))).toEqual([40, 29, 22, 18]);
    expect([1, 50, 80, 100].map((q) => crfFor('webm', q))).toEqual([52, 38, 30, 24]);
    expect(crfFor('mp4', 0)).toBe(40);
    expect(crfFor('mp4', 150)).toBe(18);
  });
});
