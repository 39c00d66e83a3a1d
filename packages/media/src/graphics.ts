import type { RawPixels } from './perceptual.js';

/**
 * Whether an image is mostly flat colour, text or line art (a screenshot, a logo, a chart) rather
 * than a photo: then `q_auto` keeps full-resolution chroma, since 4:2:0 smears coloured text and thin
 * coloured lines, which SSIM-like metrics under-rate. Two signs, both needed: most pixels equal (to
 * within encoder noise) the pixel to their right, which a photo's grain and gradients almost never
 * allow; and a palette far smaller than a photo's.
 */
export function looksLikeGraphics(image: RawPixels): boolean {
  const { data, width, height, channels } = image;
  if (width < 2 || height < 1) return false;
  let flat = 0;
  let pairs = 0;
  // One bit per colour at 5 bits per channel: 32768 possible.
  const seen = new Uint8Array(32768 / 8);
  let colours = 0;
  // At most 256 rows sampled: enough for the fraction, bounded in time for any size.
  const rowStep = Math.max(1, Math.ceil(height / 256));
  for (let y = 0; y < height; y += rowStep) {
    let p = y * width * channels;
    for (let x = 0; x < width - 1; x++, p += channels) {
      const q = p + channels;
      const same =
        Math.abs((data[p] as number) - (data[q] as number)) <= NOISE &&
        Math.abs((data[p + 1] as number) - (data[q + 1] as number)) <= NOISE &&
        Math.abs((data[p + 2] as number) - (data[q + 2] as number)) <= NOISE;
      if (same) flat++;
      pairs++;
      const colour = (((data[p] as number) >> 3) << 10) | (((data[p + 1] as number) >> 3) << 5) | ((data[p + 2] as number) >> 3);
      const bit = 1 << (colour & 7);
      const byte = colour >> 3;
      if (((seen[byte] as number) & bit) === 0) {
        seen[byte] = (seen[byte] as number) | bit;
        colours++;
      }
    }
  }
  return flat / pairs >= FLAT_SHARE && colours <= MAX_COLOURS;
}

/** A difference per channel still counted as equal: what a JPEG-compressed screenshot adds to flat areas. */
const NOISE = 2;
/**
 * The share of neighbouring pixels that must be equal: drawn screens, pages, charts and logos
 * measured 0.69..0.96; photos 0.02..0.42, but a product shot on white reaches 0.59.
 */
const FLAT_SHARE = 0.55;
/**
 * Distinct colours (at 5 bits per channel) beyond which an image is a photo whatever its flat areas:
 * the drawn set and a line-art test card had 90..215 at 320 and 640 px; photos, the product shot
 * on white included, 800 and more.
 */
const MAX_COLOURS = 600;
