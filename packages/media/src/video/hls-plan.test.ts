import { describe, expect, it } from 'vitest';
import { planHlsLadder } from './hls-plan.js';

const sizes = (box: { width: number; height: number }, source: { width: number; height: number }) =>
  planHlsLadder(box, source).map((r) => `${r.output.width}x${r.output.height}`);

describe('planHlsLadder', () => {
  it('a 1080p original inside 1920x1080: all five rungs, even sides', () => {
    expect(sizes({ width: 1920, height: 1080 }, { width: 1920, height: 1080 })).toEqual(['1920x1080', '1280x720', '852x480', '640x360', '426x240']);
  });

  it('never above the original nor the box; rungs that come out the same are one', () => {
    expect(sizes({ width: 1920, height: 1080 }, { width: 1280, height: 720 })).toEqual(['1280x720', '852x480', '640x360', '426x240']);
    expect(sizes({ width: 854, height: 480 }, { width: 3840, height: 2160 })).toEqual(['852x480', '640x360', '426x240']);
  });

  it('a portrait original counts lines on its shorter side, inside the box', () => {
    expect(sizes({ width: 1920, height: 1080 }, { width: 1080, height: 1920 })).toEqual(['608x1080', '480x852', '360x640', '240x426']);
  });

  it('an original below 240 lines gets one rung of its own size', () => {
    expect(sizes({ width: 1920, height: 1080 }, { width: 128, height: 72 })).toEqual(['128x72']);
    expect(sizes({ width: 64, height: 64 }, { width: 128, height: 72 })).toEqual(['64x36']);
  });
});
