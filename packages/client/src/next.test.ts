import { DEFAULT_DELIVERY_POLICY } from '@darkroom/core/delivery';
import { imageConfigDefault } from 'next/dist/shared/lib/image-config.js';
import { describe, expect, it } from 'vitest';
import darkroomLoader, { autoQualityLoader, darkroomLoaderWith } from './next.js';

const base = 'https://img.example.com/img/ast_1/3';

describe('@darkroom/client/next', () => {
  it('turns the width Next asks for into a delivery URL, f_auto, with q_ only when the image sets a quality', () => {
    expect(darkroomLoader({ src: base, width: 640 })).toBe(`${base}/w_640`);
    expect(darkroomLoader({ src: base, width: 3840, quality: 75 })).toBe(`${base}/w_3840,q_75`);
    expect(() => darkroomLoader({ src: base, width: 0 })).toThrow(/width/);
  });

  it("works unchanged from a private asset's delivery.base", () => {
    const privateBase = 'https://img.example.com/p/1767225600/jO1DdHSrKe1EWYVwpWdlsS/ast_1/img/3';
    expect(darkroomLoader({ src: privateBase, width: 640, quality: 75 })).toBe(`${privateBase}/w_640,q_75`);
  });

  it('makes a loader whose URLs ask for a q_auto level, whatever quality the image sets', () => {
    expect(autoQualityLoader()({ src: base, width: 640, quality: 90 })).toBe(`${base}/w_640,q_auto`);
    expect(autoQualityLoader('auto-eco')({ src: base, width: 1080 })).toBe(`${base}/w_1080,q_auto-eco`);
  });

  it("asks only for widths the default delivery policy serves unsigned: Next's own deviceSizes and imageSizes", () => {
    const nextWidths = [...imageConfigDefault.deviceSizes, ...imageConfigDefault.imageSizes];
    expect(nextWidths.filter((w) => !DEFAULT_DELIVERY_POLICY.widths.includes(w))).toEqual([]);
    expect(imageConfigDefault.qualities?.filter((q) => !DEFAULT_DELIVERY_POLICY.qualities.includes(q))).toEqual([]);
  });

  it('makes loaders that crop to faces or cover them, each width with its own height', () => {
    const avatar = darkroomLoaderWith({ aspectRatio: '1:1', gravity: 'face' });
    expect(avatar({ src: base, width: 256 })).toBe(`${base}/w_256,h_256,c_cover,g_face`);
    const card = darkroomLoaderWith({ aspectRatio: '16:9', gravity: 'faces', zoom: 0.8 });
    expect(card({ src: base, width: 640, quality: 75 })).toBe(`${base}/w_640,h_360,c_cover,g_faces,q_75,z_0.8`);
    const blurred = darkroomLoaderWith({ gravity: 'face', effect: 'blur-faces' });
    expect(blurred({ src: base, width: 640 })).toBe(`${base}/w_640,e_blur-faces`);
    expect(() => darkroomLoaderWith({ aspectRatio: '1x1' })).toThrow(/aspectRatio/);
  });
});
