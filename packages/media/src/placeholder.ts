import sharp from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import type { Placeholder, RawImage } from './types.js';

/** ThumbHash only accepts images up to 100x100. */
export const PLACEHOLDER_BOX = { fit: 'inside', width: 100, height: 100 } as const;

/**
 * A ThumbHash and a single colour to show while a variant loads, from pixels rendering already
 * decoded (RenderResult.pixels), so the file is not decoded a second time.
 */
export async function computePlaceholder(pixels: RawImage): Promise<Placeholder> {
  const { data, info } = await sharp(pixels.data, {
    raw: { width: pixels.width, height: pixels.height, channels: pixels.channels },
    limitInputPixels: false,
  })
    .resize(PLACEHOLDER_BOX.width, PLACEHOLDER_BOX.height, { fit: 'inside', withoutEnlargement: true })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const hash = rgbaToThumbHash(info.width, info.height, data);
  return { thumbhash: Buffer.from(hash).toString('base64'), dominantColor: averageColor(data) };
}

/**
 * The alpha-weighted mean colour, rather than sharp's `stats().dominant`. `dominant` is the
 * centre of the fullest bin of a 16x16x16 histogram, so it is off by up to 8 per channel even
 * for a solid image (#c81e3c comes back as #c81838), and on a photo it picks whichever narrow
 * band of colour is most common: Landscape_1 (a dark green forest with a little white sky) gets
 * #f8f8f8. As a fill behind a loading image, the mean is the closer match — it is what the image
 * looks like blurred, which is also what the ThumbHash shows next. It costs one pass over at most
 * 10,000 pixels we already have. Weighting by alpha ignores the arbitrary RGB of transparent pixels.
 */
export function averageColor(rgba: Uint8Array): string {
  let r = 0;
  let g = 0;
  let b = 0;
  let weight = 0;
  for (let i = 0; i + 3 < rgba.length; i += 4) {
    const a = rgba[i + 3]!;
    r += rgba[i]! * a;
    g += rgba[i + 1]! * a;
    b += rgba[i + 2]! * a;
    weight += a;
  }
  if (weight === 0) return '#000000'; // fully transparent: there is no colour to show
  return `#${[r, g, b].map((sum) => hex(sum / weight)).join('')}`;
}

function hex(value: number): string {
  return Math.round(value).toString(16).padStart(2, '0');
}
