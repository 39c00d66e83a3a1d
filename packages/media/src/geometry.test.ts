import { isImageSpec, PRESETS } from '@darkroom/core/presets';
import { describe, expect, it } from 'vitest';
import { coverRegion, cropRegion, decodeSize, focusWithin, renderedFit, variantScale, variantSize } from './geometry.js';

const thumb = { fit: 'cover', width: 256, height: 256 } as const;
const large = { fit: 'inside', width: 2560, height: 2560 } as const;

describe('variantSize', () => {
  it('shrinks inside boxes keeping the aspect ratio', () => {
    expect(variantSize(large, { width: 3264, height: 2448 })).toEqual({ width: 2560, height: 1920 });
    expect(variantSize({ fit: 'inside', width: 640, height: 640 }, { width: 4608, height: 1976 })).toEqual({ width: 640, height: 274 });
  });

  it('never enlarges inside boxes', () => {
    expect(variantSize(large, { width: 320, height: 240 })).toEqual({ width: 320, height: 240 });
  });

  it('fills cover boxes exactly when the image is big enough', () => {
    expect(variantSize(thumb, { width: 3264, height: 2448 })).toEqual({ width: 256, height: 256 });
    expect(variantSize(thumb, { width: 256, height: 256 })).toEqual({ width: 256, height: 256 });
  });

  it('crops small images to the box aspect ratio at 1:1 instead of enlarging', () => {
    expect(variantSize(thumb, { width: 200, height: 100 })).toEqual({ width: 100, height: 100 });
    expect(variantSize(thumb, { width: 300, height: 200 })).toEqual({ width: 200, height: 200 });
    expect(variantSize(thumb, { width: 320, height: 240 })).toEqual({ width: 240, height: 240 });
    expect(variantSize(thumb, { width: 3000, height: 200 })).toEqual({ width: 200, height: 200 });
    expect(variantSize({ fit: 'cover', width: 400, height: 200 }, { width: 300, height: 300 })).toEqual({ width: 300, height: 150 });
  });

  it('caps the scale at 1', () => {
    expect(variantScale(thumb, { width: 100, height: 100 })).toBe(1);
    expect(variantScale(large, { width: 5120, height: 100 })).toBe(0.5);
  });
});

describe('renderedFit', () => {
  const cover = (width: number, height: number) => ({ fit: 'cover', width, height }) as const;
  it('renders a cover box that keeps the whole source as inside', () => {
    expect(renderedFit(cover(640, 480), { width: 640, height: 480 })).toBe('inside');
    expect(renderedFit(cover(400, 300), { width: 3264, height: 2448 })).toBe('inside');
    // Smaller than the box, of its aspect: kept whole at 1:1.
    expect(renderedFit(cover(256, 256), { width: 200, height: 200 })).toBe('inside');
  });

  it('keeps cover where the box crops, by a pixel or more', () => {
    expect(renderedFit(cover(256, 256), { width: 640, height: 480 })).toBe('cover');
    expect(renderedFit(cover(256, 256), { width: 300, height: 200 })).toBe('cover');
    expect(renderedFit(cover(640, 480), { width: 642, height: 480 })).toBe('cover');
    expect(renderedFit({ fit: 'inside', width: 10, height: 10 }, { width: 640, height: 480 })).toBe('inside');
  });
});

describe('decodeSize', () => {
  const specs = PRESETS.default!.variants.filter(isImageSpec);

  it('is the size of the largest variant for big photos', () => {
    expect(decodeSize(specs, { width: 3264, height: 2448 })).toEqual({ width: 2560, height: 1920 });
    expect(decodeSize(specs, { width: 4608, height: 1976 })).toEqual({ width: 2560, height: 1098 });
  });

  it('is the source size when any variant needs every pixel', () => {
    expect(decodeSize(specs, { width: 600, height: 450 })).toEqual({ width: 600, height: 450 });
    // The cover thumb needs the full 200 px height of a long panorama, wider than `large` needs.
    expect(decodeSize(specs, { width: 3000, height: 200 })).toEqual({ width: 3000, height: 200 });
  });

  it('lets the cover thumb drive the size when it samples more than the inside boxes', () => {
    // 10000x300: `large` needs 2560x77, the thumb needs the image at 256 px high: 8533x256.
    expect(decodeSize(specs, { width: 10_000, height: 300 })).toEqual({ width: 8533, height: 256 });
  });
});

describe('crop and focus', () => {
  const size = { width: 1000, height: 500 };

  it('keeps the whole image without a crop, and clamps a crop to the image', () => {
    expect(cropRegion(null, size)).toEqual({ left: 0, top: 0, width: 1000, height: 500 });
    expect(cropRegion({ x: 900, y: 400, width: 300, height: 300 }, size)).toEqual({ left: 900, top: 400, width: 100, height: 100 });
  });

  it('moves a focus outside the crop to the nearest point inside it', () => {
    const region = cropRegion({ x: 100, y: 100, width: 200, height: 200 }, size);
    expect(focusWithin({ x: 0.2, y: 0.4 }, region, size)).toEqual({ x: 0.5, y: 0.5 });
    expect(focusWithin({ x: 0.9, y: 0 }, region, size)).toEqual({ x: 1, y: 0 });
    expect(focusWithin(null, region, size)).toEqual({ x: 0.5, y: 0.5 });
  });

  it('centres a cover region on the focus as far as the edges allow', () => {
    expect(coverRegion(size, 1, { x: 0.5, y: 0.5 })).toEqual({ left: 250, top: 0, width: 500, height: 500 });
    expect(coverRegion(size, 1, { x: 0.95, y: 0.5 })).toEqual({ left: 500, top: 0, width: 500, height: 500 });
    expect(coverRegion(size, 1, { x: 0.3, y: 0.1 })).toEqual({ left: 50, top: 0, width: 500, height: 500 });
    expect(coverRegion(size, 4, { x: 0.5, y: 0.9 })).toEqual({ left: 0, top: 250, width: 1000, height: 250 });
  });
});
