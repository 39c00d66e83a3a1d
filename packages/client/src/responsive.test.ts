import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from '@darkroom/core/delivery';
import { deliveryMarkup, deliveryMarkupAt } from '@darkroom/core/delivery-markup';
import { parseDeliveryOptions } from '@darkroom/core/delivery-options';
import { describe, expect, it } from 'vitest';
import { deliveryUrl, imageProps, pictureSources, type ResponsiveAsset } from './responsive.js';

const BASE_URL = 'https://img.example.com';

/** An asset as the API shows it, its `delivery` made by the API's own code (@darkroom/core), so the two cannot drift. */
function asset(
  size: { width: number; height: number },
  extra: { crop?: { x: number; y: number; width: number; height: number }; hasAlpha?: boolean; policy?: Partial<DeliveryPolicy> } = {},
): ResponsiveAsset {
  const crop = extra.crop ?? null;
  const source = { id: 'ast_1', revision: 3, ...size, crop, hasAlpha: extra.hasAlpha ?? false };
  const delivery = deliveryMarkup(source, { ...DEFAULT_DELIVERY_POLICY, ...extra.policy }, BASE_URL);
  return { ...size, crop, dominantColor: '#a1b2c3', delivery };
}

const base = `${BASE_URL}/img/ast_1/3`;
const photo = asset({ width: 1600, height: 1200 });

describe('deliveryUrl', () => {
  it('writes the options in the contract order, f_auto left out', () => {
    expect(deliveryUrl(base, { width: 640, height: 480, fit: 'cover', quality: 75, format: 'webp' })).toBe(`${base}/w_640,h_480,c_cover,q_75,f_webp`);
    expect(deliveryUrl(`${base}/`, { width: 640, format: 'auto' })).toBe(`${base}/w_640`);
    expect(deliveryUrl(base)).toBe(base);
  });

  it('refuses values the server would refuse', () => {
    expect(() => deliveryUrl(base, { width: 0 })).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => deliveryUrl(base, { width: 9000 })).toThrow(/width must be an integer from 1 to 8192/);
    expect(() => deliveryUrl(base, { width: 64.5 })).toThrow(/width/);
    expect(() => deliveryUrl(base, { quality: 101 })).toThrow(/quality/);
    expect(deliveryUrl(base, { width: 640, quality: 'auto-best', format: 'avif' })).toBe(`${base}/w_640,q_auto-best,f_avif`);
    expect(() => deliveryUrl(base, { quality: 'auto-max' as never })).toThrow(/quality must be an integer or one of auto, auto-eco/);
    // The server answers `c_cover` without both sides, and a fit or format it does not know, 400.
    for (const sides of [{ width: 640 }, { height: 480 }, {}]) {
      expect(() => deliveryUrl(base, { ...sides, fit: 'cover' })).toThrow(/fit cover needs both width and height/);
    }
    expect(() => deliveryUrl(base, { width: 640, fit: 'fill' as never })).toThrow(/fit must be one of inside, cover, not "fill"/);
    expect(() => deliveryUrl(base, { width: 640, format: 'gif' as never })).toThrow(/format must be one of auto, avif, webp, jpeg, png, not "gif"/);
  });
});

describe('deliveryUrl with faces', () => {
  it('writes g_face, z_ and the effects where the grammar puts them, parsed back by the server', () => {
    expect(deliveryUrl(base, { width: 256, height: 256, fit: 'cover', gravity: 'face', zoom: 1.5 })).toBe(`${base}/w_256,h_256,c_cover,g_face,z_1.5`);
    expect(deliveryUrl(base, { width: 640, effect: 'pixelate-faces' })).toBe(`${base}/w_640,e_pixelate-faces`);
    expect(deliveryUrl(base, { width: 640, effect: { name: 'blur-faces', strength: 60 } })).toBe(`${base}/w_640,e_blur-faces-60`);
    const segment = deliveryUrl(base, { width: 640, height: 360, fit: 'cover', gravity: 'faces', zoom: 2, effect: 'blur-faces' }).slice(
      base.length + 1,
    );
    expect(parseDeliveryOptions(segment)).toMatchObject({ gravity: 'faces', zoom: 2, effect: { name: 'blur-faces' } });
  });

  it('refuses a zoom, gravity or effect the server would refuse', () => {
    for (const zoom of [0, 0.05, 1.25, 10.5, 11]) expect(() => deliveryUrl(base, { zoom })).toThrow(/zoom/);
    expect(() => deliveryUrl(base, { gravity: 'north' as never })).toThrow(/gravity/);
    expect(() => deliveryUrl(base, { effect: 'sepia' as never })).toThrow(/effect/);
    expect(() => deliveryUrl(base, { effect: { name: 'blur-faces', strength: 101 } })).toThrow(/strength/);
  });

  it('crops srcset entries to the largest face with an aspect, and leaves the gravity out without one', () => {
    const props = imageProps(photo, { sizes: '100vw', widths: [640], aspectRatio: '1:1', gravity: 'face' });
    expect(props.srcSet).toBe(`${base}/w_640,h_640,c_cover,g_face 640w`);
    const covered = imageProps(photo, { sizes: '100vw', widths: [640], gravity: 'face', effect: 'blur-faces' });
    expect(covered.srcSet).toBe(`${base}/w_640,e_blur-faces 640w`);
    expect(imageProps(photo, { sizes: '100vw', effect: 'blur-faces' }).srcSet).toContain('e_blur-faces');
  });
});

describe('imageProps', () => {
  it("is the asset's own markup when nothing else is asked: its srcset and src, its size, its colour", () => {
    const props = imageProps(photo, { sizes: '100vw' });
    expect(props).toEqual({
      src: photo.delivery?.src,
      srcSet: photo.delivery?.srcset,
      sizes: '100vw',
      width: 1600,
      height: 1200,
      style: { backgroundColor: '#a1b2c3' },
    });
    expect(props.srcSet.split(', ').at(0)).toBe(`${base}/w_16 16w`);
    expect(props.srcSet.split(', ').at(-1)).toBe(`${base}/w_1200 1200w`);
    expect(props.src).toBe(`${base}/w_1080,f_jpeg`);
  });

  it('is the cropped size when the asset has a crop', () => {
    const cropped = asset({ width: 4000, height: 3000 }, { crop: { x: 100, y: 100, width: 900, height: 900 } });
    const props = imageProps(cropped, { sizes: '50vw' });
    expect([props.width, props.height]).toEqual([900, 900]);
    expect(props.srcSet.split(', ').at(-1)).toBe(`${base}/w_828 828w`);
  });

  it('an aspect ratio adds h_ = round(w × H / W) and c_cover, within the largest box of that aspect', () => {
    const props = imageProps(photo, { sizes: '100vw', aspectRatio: '16:9' });
    expect([props.width, props.height]).toEqual([1600, 900]);
    expect(props.srcSet.split(', ')).toContain(`${base}/w_640,h_360,c_cover 640w`);
    expect(props.srcSet.split(', ')).toContain(`${base}/w_750,h_422,c_cover 750w`);
    expect(props.src).toBe(`${base}/w_1080,h_608,c_cover,f_jpeg`);

    // A portrait box from a landscape photo: 900 wide at most, so 1080 and 1200 are left out.
    const tall = imageProps(photo, { sizes: '100vw', aspectRatio: '3:4' });
    expect([tall.width, tall.height]).toEqual([900, 1200]);
    expect(tall.srcSet.split(', ').at(-1)).toBe(`${base}/w_828,h_1104,c_cover 828w`);
    expect(tall.src).toBe(`${base}/w_828,h_1104,c_cover,f_jpeg`);
  });

  it('quality adds q_; given widths replace the policy’s, none above the image but the smallest', () => {
    const props = imageProps(photo, { sizes: '320px', widths: [320, 640, 640, 2000], quality: 60 });
    expect(props.srcSet).toBe(`${base}/w_320,q_60 320w, ${base}/w_640,q_60 640w`);
    expect(props.src).toBe(`${base}/w_640,q_60,f_jpeg`);
    const tiny = asset({ width: 10, height: 10 });
    expect(imageProps(tiny, { sizes: '10px', widths: [64, 32] }).srcSet).toBe(`${base}/w_32 32w`);
  });

  it('keeps PNG as the fallback format of an image with transparency', () => {
    const logo = asset({ width: 800, height: 800 }, { hasAlpha: true });
    expect(imageProps(logo, { sizes: '200px', quality: 75 }).src).toBe(`${base}/w_750,q_75,f_png`);
  });

  it('leaves the colour out when the asset has none', () => {
    expect(imageProps({ ...photo, dominantColor: null }, { sizes: '1px' }).style).toEqual({});
  });

  it('refuses an asset without delivery URLs and options the server would refuse', () => {
    const notReady = { width: null, height: null, dominantColor: null, delivery: null };
    expect(() => imageProps(notReady, { sizes: '1px' })).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => imageProps(photo, { sizes: '1px', aspectRatio: '16/9' })).toThrow(/aspectRatio must be W:H/);
    expect(() => imageProps(photo, { sizes: '1px', aspectRatio: '0:1' })).toThrow(/aspectRatio/);
    expect(() => imageProps(photo, { sizes: '1px', quality: 0 })).toThrow(/quality/);
    expect(() => imageProps(photo, { sizes: '1px', widths: [] })).toThrow(/at least one width/);
    expect(() => imageProps(photo, { sizes: '1px', widths: [99999] })).toThrow(/width/);
  });
});

describe('pictureSources', () => {
  it("are the asset's own sources, AVIF then WebP, with the sizes", () => {
    expect(pictureSources(photo, { sizes: '100vw' })).toEqual(
      photo.delivery?.sources.map(({ type, srcset }) => ({ type, srcSet: srcset, sizes: '100vw' })),
    );
    expect(pictureSources(photo, { sizes: '100vw' }).map((s) => s.type)).toEqual(['image/avif', 'image/webp']);
  });

  it('are built the same way with options, each with its explicit format', () => {
    const [avif, webp] = pictureSources(photo, { sizes: '96px', widths: [96, 192], aspectRatio: '1:1' });
    expect(avif).toEqual({
      type: 'image/avif',
      srcSet: `${base}/w_96,h_96,c_cover,f_avif 96w, ${base}/w_192,h_192,c_cover,f_avif 192w`,
      sizes: '96px',
    });
    expect(webp?.srcSet).toBe(`${base}/w_96,h_96,c_cover,f_webp 96w, ${base}/w_192,h_192,c_cover,f_webp 192w`);
  });

  it('leave AVIF out when the tenant turned it off', () => {
    const noAvif = asset({ width: 1600, height: 1200 }, { policy: { avif: false } });
    expect(pictureSources(noAvif, { sizes: '100vw', quality: 75 }).map((s) => s.type)).toEqual(['image/webp']);
  });
});

describe('a private asset, from its delivery.base', () => {
  it('builds every URL under its private link, unchanged: imageProps, pictureSources, deliveryUrl', () => {
    const privateBase = `${BASE_URL}/p/1767225600/jO1DdHSrKe1EWYVwpWdlsS/ast_1/img/3`;
    const source = { id: 'ast_1', revision: 3, width: 1600, height: 1200, crop: null, hasAlpha: false };
    const delivery = deliveryMarkupAt(privateBase, source, DEFAULT_DELIVERY_POLICY);
    const hidden: ResponsiveAsset = { width: 1600, height: 1200, crop: null, dominantColor: null, delivery };
    const props = imageProps(hidden, { sizes: '100vw', aspectRatio: '16:9', quality: 75 });
    for (const url of [props.src, ...props.srcSet.split(', ').map((entry) => entry.split(' ')[0]!)]) {
      expect(url.startsWith(`${privateBase}/w_`), url).toBe(true);
    }
    for (const { srcSet } of pictureSources(hidden, { sizes: '100vw' })) expect(srcSet.startsWith(`${privateBase}/w_`)).toBe(true);
    expect(deliveryUrl(privateBase, { width: 640, format: 'webp' })).toBe(`${privateBase}/w_640,f_webp`);
  });
});
