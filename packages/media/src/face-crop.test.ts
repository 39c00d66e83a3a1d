import { describe, expect, it } from 'vitest';
import { FACE_CROP_MARGIN, faceCropRegion, facesWithin, faceTarget } from './face-crop.js';

const displayed = { width: 1000, height: 800 };
const whole = { left: 0, top: 0, width: 1000, height: 800 };
const face = (x: number, y: number, width: number, height: number) => ({ x, y, width, height, score: 1 });
const small = face(0.1, 0.1, 0.05, 0.0625); // 50×50 px at (100, 80)
const large = face(0.6, 0.5, 0.1, 0.125); // 100×100 px at (600, 400)

describe('faceCropRegion', () => {
  it('centres the largest face with its margin at z_1, in the output aspect', () => {
    const region = faceCropRegion({ displayed, crop: whole, output: { width: 100, height: 100 }, faces: [small, large], which: 'face', zoom: 1 });
    const side = 100 * (1 + 2 * FACE_CROP_MARGIN);
    expect(region).toEqual({ left: 650 - side / 2, top: 450 - side / 2, width: side, height: side });
  });

  it('holds every face for g_faces, and zooms by z_', () => {
    const all = faceCropRegion({ displayed, crop: whole, output: { width: 100, height: 100 }, faces: [small, large], which: 'faces', zoom: 1 });
    expect(all).not.toBeNull();
    if (!all) return;
    expect(all.left).toBeLessThanOrEqual(100);
    expect(all.top).toBeLessThanOrEqual(80);
    expect(all.left + all.width).toBeGreaterThanOrEqual(700);
    expect(all.top + all.height).toBeGreaterThanOrEqual(500);
    const near = faceCropRegion({ displayed, crop: whole, output: { width: 100, height: 100 }, faces: [large], which: 'face', zoom: 2 });
    expect(near?.width).toBe(100);
    const far = faceCropRegion({ displayed, crop: whole, output: { width: 100, height: 100 }, faces: [large], which: 'face', zoom: 0.5 });
    expect(far?.width).toBe(400);
  });

  it('never shrinks below the output size nor grows past the crop, and stays inside it', () => {
    const tiny = faceCropRegion({ displayed, crop: whole, output: { width: 400, height: 225 }, faces: [small], which: 'face', zoom: 10 });
    expect(tiny).toEqual({ left: 0, top: 0, width: 400, height: 225 });
    const crop = { left: 500, top: 300, width: 300, height: 300 };
    const wide = faceCropRegion({ displayed, crop, output: { width: 160, height: 90 }, faces: [large], which: 'face', zoom: 0.1 });
    expect(wide).toEqual({ left: 500, top: 366, width: 300, height: 169 });
  });

  it('ignores faces outside the crop and clips those across its edge; none left: null (g_auto)', () => {
    const crop = { left: 620, top: 0, width: 380, height: 800 };
    expect(facesWithin([small, large], displayed, crop)).toEqual([{ left: 620, top: 400, right: 700, bottom: 500 }]);
    expect(
      faceCropRegion({
        displayed,
        crop: { left: 0, top: 0, width: 90, height: 800 },
        output: { width: 50, height: 50 },
        faces: [large],
        which: 'face',
        zoom: 1,
      }),
    ).toBeNull();
    expect(faceTarget([], 'faces')).toBeNull();
  });
});
