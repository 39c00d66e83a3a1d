import sharp, { type Sharp } from 'sharp';
import { displayedPixels, FLATTEN_ON } from './displayed.js';
import type { ImageInput, SafetyOptions } from './types.js';

/** Pixels to hash: any size, 1 to 4 channels of 8 bits (grey, grey+alpha, RGB, RGBA), upright as displayed. */
export interface HashablePixels {
  data: Buffer;
  width: number;
  height: number;
  channels: number;
}

export interface FileHashOptions extends SafetyOptions {
  /** Stop decoding after this long. Unset or 0: no limit. */
  timeoutSeconds?: number;
}

/** The side of the greyscale image the DCT is taken of. */
export const PHASH_SIDE = 32;
/** The lowest frequencies kept in each direction: 8 × 8 = 64 bits. */
const KEPT = 8;
/** A file is decoded to at most this many pixels a side before it is hashed (`perceptualHashOfFile`). */
const DISPLAYED_SIDE = 256;

/**
 * DCT-II basis rows, cos((2x + 1)uπ / 2N) for x < N and u ≤ 8, computed once: the hash is then two
 * small matrix products (8×32·32×32, 8×32·32×8), about 10,000 multiplications. The orthonormal
 * scale is left out: rows 1..8 (the ones used) all share it, and only the coefficients' order counts.
 */
const COSINES: Float64Array[] = Array.from({ length: KEPT + 1 }, (_, u) =>
  Float64Array.from({ length: PHASH_SIDE }, (_, x) => Math.cos(((2 * x + 1) * u * Math.PI) / (2 * PHASH_SIDE))),
);

/**
 * The 64-bit perceptual hash (pHash) of an image's pixels, as a signed 64-bit bigint (the form
 * Postgres' bigint stores): alpha flattened on white, shrunk to 32×32 ignoring the aspect ratio,
 * greyscale (luma), then a DCT of its lowest frequencies, one bit per coefficient above their
 * median. Re-encoding, resizing and mild colour changes move few bits; a different picture moves
 * about half of them.
 */
export async function perceptualHash(pixels: HashablePixels): Promise<bigint> {
  const input = sharp(pixels.data, {
    raw: { width: pixels.width, height: pixels.height, channels: pixels.channels as 1 | 2 | 3 | 4 },
    limitInputPixels: false, // our own buffer: its size is already bounded
  });
  return perceptualHashOfGrey(await greyThumbnail(input));
}

/**
 * The pHash of an untrusted file: its `displayedPixels` at most 256 a side, then hashed as pixels.
 * Not straight to 32×32 in one pipeline: libvips shrinks a CMYK JPEG before it converts it, which
 * averages ink rather than colours, and put its hash 8 bits from the same photo's sRGB copy.
 */
export async function perceptualHashOfFile(input: ImageInput, options: FileHashOptions): Promise<bigint> {
  return perceptualHash(await displayedPixels(input, { ...options, longSide: DISPLAYED_SIDE }));
}

/**
 * One sharp pipeline to 32×32 8-bit sRGB: flatten first (a transparent pixel's colour is
 * arbitrary), then the shrink (libvips averages: the low-pass filter pHash needs before sampling).
 */
async function greyThumbnail(pipeline: Sharp): Promise<Uint8Array> {
  const { data, info } = await pipeline
    .flatten({ background: FLATTEN_ON })
    .resize(PHASH_SIDE, PHASH_SIDE, { fit: 'fill' })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || data.length !== PHASH_SIDE * PHASH_SIDE * 3) {
    throw new Error(`Expected ${PHASH_SIDE}x${PHASH_SIDE} RGB pixels, got ${info.width}x${info.height}x${info.channels}`);
  }
  return lumaOf(data);
}

/** Rec. 601 luma of RGB pixels, as the original pHash (and most image tools' greyscale) weighs them. */
function lumaOf(rgb: Buffer): Uint8Array {
  const grey = new Uint8Array(rgb.length / 3);
  for (let i = 0; i < grey.length; i++) grey[i] = Math.round(0.299 * rgb[3 * i]! + 0.587 * rgb[3 * i + 1]! + 0.114 * rgb[3 * i + 2]!);
  return grey;
}

/**
 * The hash of 32×32 grey pixels (row-major). The DC term (frequency 0,0) is the mean brightness:
 * far larger than every other coefficient, its bit would always be 1 and carry nothing, and it
 * would pull the median. So, as the original pHash does, the block kept is frequencies 1..8 in
 * both directions: 64 AC coefficients, 64 bits that each say something about the picture's
 * structure. A brightness or contrast change scales or shifts the pixels, which leaves the AC
 * coefficients' order (and so the hash) alone. Bit i is coefficient (row ⌊i/8⌋, column i mod 8)
 * of that block, bit 0 the least significant.
 */
export function perceptualHashOfGrey(grey: Uint8Array): bigint {
  // rows[u][x] = Σ_y cos_u(y) · grey[y][x]: the vertical frequencies first.
  const rows = Array.from({ length: KEPT }, () => new Float64Array(PHASH_SIDE));
  for (let u = 0; u < KEPT; u++) {
    const basis = COSINES[u + 1]!;
    const row = rows[u]!;
    for (let y = 0; y < PHASH_SIDE; y++) {
      const c = basis[y]!;
      const offset = y * PHASH_SIDE;
      for (let x = 0; x < PHASH_SIDE; x++) row[x]! += c * grey[offset + x]!;
    }
  }
  const coefficients = new Float64Array(KEPT * KEPT);
  for (let u = 0; u < KEPT; u++) {
    const row = rows[u]!;
    for (let v = 0; v < KEPT; v++) {
      const basis = COSINES[v + 1]!;
      let sum = 0;
      for (let x = 0; x < PHASH_SIDE; x++) sum += row[x]! * basis[x]!;
      coefficients[u * KEPT + v] = sum;
    }
  }
  return hashAboveMedian(coefficients);
}

/** One bit per coefficient above the median of all of them: about half the bits set, whatever the picture. */
function hashAboveMedian(coefficients: Float64Array): bigint {
  const sorted = Float64Array.from(coefficients).sort();
  const middle = sorted.length / 2;
  const median = (sorted[middle - 1]! + sorted[middle]!) / 2;
  let high = 0;
  let low = 0;
  for (let i = 0; i < 32; i++) if (coefficients[i]! > median) low |= 1 << i;
  for (let i = 0; i < 32; i++) if (coefficients[32 + i]! > median) high |= 1 << i;
  return BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0));
}

/** Bits that differ between two 64-bit hashes (signed or not: only the low 64 bits count). */
export function hammingDistance(a: bigint, b: bigint): number {
  let x = BigInt.asUintN(64, a ^ b);
  let count = 0;
  for (let half = 0; half < 2; half++) {
    let word = Number(x & 0xffffffffn);
    word -= (word >>> 1) & 0x55555555;
    word = (word & 0x33333333) + ((word >>> 2) & 0x33333333);
    count += Math.imul((word + (word >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    x >>= 32n;
  }
  return count;
}
