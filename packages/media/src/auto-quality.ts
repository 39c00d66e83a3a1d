import sharp, { type OutputInfo, type Sharp } from 'sharp';
import { DEFAULT_QUALITY } from '@darkroom/core/delivery';
import type { AutoQualityLevel } from '@darkroom/core/delivery-grammar';
import { looksLikeGraphics } from './graphics.js';
import { perceptualDistance, type RawPixels } from './perceptual.js';

/**
 * `q_auto` (docs/delivery.md#quality-chosen-per-image): the lowest encoder quality whose output stays
 * within a level's perceptual distance of the pixels it encodes, in the level's range (a photo's
 * ceiling, a graphic's floor). The search runs on a probe (the output itself when small, else a
 * mosaic of tiles cut from it at full scale, so the encoder meets the detail at the size it will
 * really be shown), in a few probe encodes, then the output is encoded once at the quality found.
 */

export type { AutoQualityLevel } from '@darkroom/core/delivery-grammar';
export type AutoQualityFormat = 'jpeg' | 'webp' | 'avif';

/**
 * Each level's target distance (perceptual.ts) per format, calibrated by bench/qauto-calibrate.ts
 * against butteraugli's 3-norm on photos and graphics (figures in the commit that set them). `good`
 * keeps JPEG and WebP near their fixed-75 median and aims AVIF at that same look: a fixed AVIF 75 is
 * about a third closer to the source than a JPEG 75, so AVIF's target sits well above the distance
 * its own fixed 75 gives.
 */
export const AUTO_QUALITY_TARGETS: Readonly<Record<AutoQualityLevel, Readonly<Record<AutoQualityFormat, number>>>> = {
  eco: { jpeg: 0.07, webp: 0.1, avif: 0.05 },
  good: { jpeg: 0.038, webp: 0.05, avif: 0.034 },
  best: { jpeg: 0.03, webp: 0.038, avif: 0.0125 },
};

/**
 * Each format's searched range (below it every photo breaks up; above it bytes grow for nothing
 * visible), where the search starts, and how fast ln(distance) typically falls per quality step
 * (measured on photos), for the search's first step.
 */
interface Range {
  min: number;
  max: number;
  start: number;
  slope: number;
}
const RANGES: Readonly<Record<AutoQualityFormat, Range>> = {
  jpeg: { min: 30, max: 95, start: 70, slope: 0.029 },
  webp: { min: 30, max: 95, start: 70, slope: 0.042 },
  avif: { min: 20, max: 85, start: 50, slope: 0.05 },
};

/**
 * The lowest quality a graphic (graphics.ts) takes at each level and format: at `good` the delivery's
 * default quality or just above it, so text and line art never come out below what a fixed-quality
 * URL gives them (4:4:4 on top); a metric that pools over a mostly flat image under-rates a smeared
 * caption. WebP's is 3 higher at `good` (78): its sharp chroma conversion at 75 left one drawn screen a
 * touch below plain 75 by butteraugli, and 78 was above it on every drawn graphic.
 */
const GRAPHICS_FLOOR: Readonly<Record<AutoQualityLevel, Readonly<Record<AutoQualityFormat, number>>>> = {
  eco: { jpeg: 30, webp: 30, avif: 30 },
  good: { jpeg: DEFAULT_QUALITY, webp: DEFAULT_QUALITY + 3, avif: DEFAULT_QUALITY },
  best: { jpeg: 85, webp: 85, avif: 85 },
};

/**
 * The highest quality a photo takes at `eco` and `good`: the fixed default's, so those levels spend
 * fewer bytes than a fixed-quality URL where a photo allows and never many more, and a photo the target
 * finds hard keeps about the default's look (within the fixed set's worst by butteraugli) rather than
 * growing past it. JPEG's is 5 higher: its tuned encode (trellis) at 75 scores about 6 % worse than
 * the plain 75 a fixed URL gets, for 11 % fewer bytes. `best` has none.
 */
const PHOTO_CEILING: Readonly<Record<AutoQualityFormat, number>> = { jpeg: DEFAULT_QUALITY + 5, webp: DEFAULT_QUALITY, avif: DEFAULT_QUALITY };

/** What an animation (not searched: each frame would want its own) is encoded with at each level. */
export const ANIMATION_QUALITY: Readonly<Record<AutoQualityLevel, number>> = { eco: 60, good: DEFAULT_QUALITY, best: 88 };

/** At most this many probe encodes before the one full encode. */
export const MAX_PROBE_ENCODES = 2;
/** The search stops when the passing and failing qualities are this close. */
const TOLERANCE = 3;
/** Tiles of the mosaic probe: TILE px squares, at most TILES_PER_SIDE² of them; an output no larger is its own probe. */
const TILE = 64;
const TILES_PER_SIDE = 4;

export interface AutoQualityResult {
  data: Buffer;
  info: OutputInfo;
  /** The encoder quality used; for a lossless WebP (graphics), 100. */
  quality: number;
  graphics: boolean;
  /** Encodes made, probes and the full one. */
  encodes: number;
  /**
   * What they cost in encodes of the output's size (a probe counts by its share of the output's
   * pixels), rounded up: what a render counts against `rendersPerMinute`.
   */
  cost: number;
}

/**
 * Encodes `pixels` (sRGB, at the output's size) as `format` at the quality `level` finds for them.
 * `calibration.target` replaces the level's target (bench/qauto-calibrate.ts tries candidates).
 */
export async function encodeAutoQuality(
  pixels: RawPixels,
  format: AutoQualityFormat,
  level: AutoQualityLevel,
  calibration: { target?: number; ceiling?: number } = {},
): Promise<AutoQualityResult> {
  const graphics = looksLikeGraphics(pixels);
  const probe = probeOf(pixels);
  const whole = probe === pixels;
  const target = calibration.target ?? AUTO_QUALITY_TARGETS[level][format];
  const search = await searchQuality(probe, format, graphics, target, searchedRange(format, level, graphics, calibration.ceiling));
  // The probe's own passing encode is the output when the probe is the whole output, encoded as the output would be.
  const reused = whole && probeIsFinal(format, graphics) ? search.passing : undefined;
  const lossy = reused ?? (await encodeAt(pixels, format, search.quality, graphics));
  let encodes = search.encodes + (reused ? 0 : 1);
  let work = (search.encodes * probe.width * probe.height) / (pixels.width * pixels.height) + (reused ? 0 : 1);
  const made = () => ({ graphics, encodes, cost: Math.ceil(work - 1e-9) });
  if (!(graphics && format === 'webp')) return { ...lossy, quality: search.quality, ...made() };
  // WebP's lossless mode often beats its lossy one on flat colour; keep whichever is smaller.
  const lossless = await rawInput(pixels).webp({ lossless: true }).toBuffer({ resolveWithObject: true });
  encodes++;
  work++;
  const smaller = lossless.data.length < lossy.data.length;
  return { ...(smaller ? lossless : lossy), quality: smaller ? 100 : search.quality, ...made() };
}

interface Encoded {
  data: Buffer;
  info: OutputInfo;
}

interface Search {
  quality: number;
  encodes: number;
  /** The probe's encode at `quality`, when it passed (reused when the probe is the whole output). */
  passing?: Encoded;
}

/**
 * Interpolating search: each probe's distance narrows the bracket (the lowest passing quality, the
 * highest failing one) and the next quality is where the line between them crosses the target;
 * after the last probe, the crossing they point to is the answer.
 */
async function searchQuality(probe: RawPixels, format: AutoQualityFormat, graphics: boolean, target: number, range: Range): Promise<Search> {
  let pass: { quality: number; distance: number; encoded: Encoded } | undefined;
  let fail: { quality: number; distance: number } | undefined;
  const probed: Point[] = [];
  let quality: number | undefined = range.start;
  while (quality !== undefined && probed.length < MAX_PROBE_ENCODES) {
    const encoded = await encodeAt(probe, format, quality, graphics, true);
    const distance = perceptualDistance(probe, await decodeLike(encoded.data, probe));
    probed.push({ quality, distance });
    if (distance <= target) pass = { quality, distance, encoded };
    else fail = { quality, distance };
    quality = nextQuality(range, target, pass, fail);
  }
  const encodes = probed.length;
  // The bracket is narrow, or a further probe would cost more than the quality steps it could save:
  // the crossing estimated from the probes is taken as it is, never above a quality that passed.
  const settled = quality === undefined ? pass?.quality : estimatedCrossing(range, target, probed, fail);
  if (pass && (settled === undefined || settled >= pass.quality)) return { quality: pass.quality, encodes, passing: pass.encoded };
  return { quality: settled ?? range.max, encodes };
}

/**
 * Where ln(distance) crosses the target, from the probe nearest to it along the slope between the
 * last two probes (the format's typical slope when they give none that is plausible), rounded up
 * and kept above a quality that failed.
 */
function estimatedCrossing(range: Range, target: number, probed: readonly Point[], fail?: Point): number {
  const [a, b] = probed.slice(-2);
  const secant = a && b && a.quality !== b.quality ? (Math.log(a.distance) - Math.log(b.distance)) / (b.quality - a.quality) : 0;
  const slope = secant > range.slope / 3 && secant < range.slope * 3 ? secant : range.slope;
  const nearest = probed.reduce((best, p) => (Math.abs(Math.log(p.distance / target)) < Math.abs(Math.log(best.distance / target)) ? p : best));
  const estimate = Math.ceil(nearest.quality + Math.log(nearest.distance / target) / slope);
  return clamp(estimate, Math.max(range.min, (fail?.quality ?? range.min - 1) + 1), range.max);
}

type Point = { quality: number; distance: number };

/** The format's range narrowed to a graphic's floor or a photo's ceiling at `level` (`ceiling` replaces the level's). */
function searchedRange(format: AutoQualityFormat, level: AutoQualityLevel, graphics: boolean, ceiling?: number): Range {
  const range = RANGES[format];
  const min = graphics ? Math.max(range.min, GRAPHICS_FLOOR[level][format]) : range.min;
  const max = graphics ? range.max : Math.min(range.max, ceiling ?? (level === 'best' ? range.max : PHOTO_CEILING[format]));
  return { ...range, min, max, start: clamp(range.start, min, max) };
}

/**
 * The next quality to probe, or none when the bracket is within TOLERANCE. The distance falls about
 * exponentially with quality, so guesses are made on its logarithm: with both sides known, where the
 * line between them crosses the target (kept off the bracket's ends, so a curved stretch still
 * narrows it); with one, a step along the format's typical slope.
 */
function nextQuality(range: Range, target: number, pass?: Point, fail?: Point): number | undefined {
  const low = fail?.quality ?? range.min - 1;
  const high = pass?.quality ?? range.max + 1;
  if (high - low <= TOLERANCE) return undefined;
  if (pass && fail) {
    const t = (Math.log(fail.distance) - Math.log(target)) / (Math.log(fail.distance) - Math.log(pass.distance));
    const margin = Math.max(1, Math.round((high - low) * 0.2));
    return clamp(Math.round(low + t * (high - low)), low + margin, high - margin);
  }
  const known = (pass ?? fail) as Point;
  const step = Math.log(known.distance / target) / range.slope;
  // Aim a point past the crossing, so the next probe most likely lands on the other side.
  const guess = Math.round(known.quality + step + (pass ? -1 : 1));
  return clamp(guess, Math.max(range.min, low + 1), Math.min(range.max, high - 1));
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

function rawInput(pixels: RawPixels): Sharp {
  const { width, height, channels } = pixels;
  return sharp(pixels.data, { raw: { width, height, channels: channels as 3 | 4 } });
}

/**
 * What `q_auto`'s encodes add to a fixed-quality render's settings (encode.ts): mozjpeg's trellis
 * quantisation and overshoot deringing for JPEG, and a more thorough WebP method for photos; each
 * spends encoder time for fewer bytes at the same butteraugli distance (bench/qauto-calibrate.ts;
 * figures in the commits that set them). A fixed `q_N` keeps sharp's
 * defaults: its number means what it has always meant.
 */
// Photos only: on the drawn graphics, trellis at the floor's 75 scored 2 of 12 JPEGs below plain 75.
const JPEG_TUNING = { trellisQuantisation: true, overshootDeringing: true } as const;
/**
 * WebP's method for photos: 5 takes a 640 px photo about as long as the default 4 for 1-3 % fewer
 * bytes (6: 5 % fewer, twice the time). Graphics keep the default, at which the drawn set scored better.
 */
const WEBP_PHOTO_EFFORT = 5;
/**
 * Probes encode faster than the output, at an effort whose distance at one quality is close to the
 * final's: AVIF at 2 (its default 4 takes 5-10× longer, a few per cent worse at one quality, so the
 * search leans a little high), WebP at its default 4 (half method 6's time, the same distance).
 */
const PROBE_EFFORT = { avif: 2, webp: 4 } as const;

/** Whether a probe's encode is the output's own (then a whole-output probe's passing encode is kept). */
const probeIsFinal = (format: AutoQualityFormat, graphics: boolean) => format === 'jpeg' || (format === 'webp' && graphics);

/** One `q_auto` encode, or a probe's (`probe`: at the format's probe effort); graphics keep full-resolution chroma. */
export function encodeAt(pixels: RawPixels, format: AutoQualityFormat, quality: number, graphics: boolean, probe = false): Promise<Encoded> {
  const input = rawInput(pixels);
  const chromaSubsampling = graphics ? '4:4:4' : '4:2:0';
  const encoder =
    format === 'jpeg'
      ? input.flatten({ background: '#ffffff' }).jpeg({ quality, chromaSubsampling, ...(graphics ? {} : JPEG_TUNING) })
      : format === 'webp'
        ? input.webp(graphics ? { quality, smartSubsample: true } : { quality, effort: probe ? PROBE_EFFORT.webp : WEBP_PHOTO_EFFORT })
        : input.avif({ quality, chromaSubsampling, ...(probe ? { effort: PROBE_EFFORT.avif } : {}) });
  return encoder.toBuffer({ resolveWithObject: true });
}

/** An encoded probe back to raw pixels with the probe's channels, for the metric. */
async function decodeLike(data: Buffer, like: RawPixels): Promise<RawPixels> {
  const decoded = sharp(data);
  const shaped = like.channels === 4 ? decoded.ensureAlpha() : decoded.removeAlpha();
  const { data: raw, info } = await shaped.raw().toBuffer({ resolveWithObject: true });
  return { data: raw, width: info.width, height: info.height, channels: info.channels };
}

/**
 * The pixels the search encodes: the output itself when it has no more than the mosaic's pixels,
 * else tiles spread evenly over it (on 16 px steps, the encoders' block grid) side by side in a grid
 * of the output's aspect. A tile is TILE px square, or as narrow (or as short) as the output where
 * a side is less: a 48 × 1,440 strip is probed as 16 tiles of 48 × 64.
 */
export function probeOf(pixels: RawPixels): RawPixels {
  const { width, height, channels } = pixels;
  const budget = TILES_PER_SIDE * TILES_PER_SIDE;
  if (width * height <= budget * TILE * TILE) return pixels;
  const [tileWidth, tileHeight] = [Math.min(TILE, width), Math.min(TILE, height)];
  const across = clamp(Math.round(Math.sqrt((budget * width) / height)), 1, Math.floor(width / tileWidth));
  const down = clamp(Math.floor(budget / across), 1, Math.floor(height / tileHeight));
  const data = new Uint8Array(across * tileWidth * down * tileHeight * channels);
  const rowBytes = across * tileWidth * channels;
  for (let ty = 0; ty < down; ty++) {
    const top = alignedStart(ty, down, height, tileHeight);
    for (let tx = 0; tx < across; tx++) {
      const left = alignedStart(tx, across, width, tileWidth);
      for (let row = 0; row < tileHeight; row++) {
        const from = ((top + row) * width + left) * channels;
        data.set(pixels.data.subarray(from, from + tileWidth * channels), (ty * tileHeight + row) * rowBytes + tx * tileWidth * channels);
      }
    }
  }
  return { data, width: across * tileWidth, height: down * tileHeight, channels };
}

/** Where tile `index` of `count`, `tile` px long, starts along a side of `size`: centred in its share, on a 16 px step. */
function alignedStart(index: number, count: number, size: number, tile: number): number {
  const share = size / count;
  const centred = Math.floor(index * share + (share - tile) / 2);
  return clamp(centred - (centred % 16), 0, size - tile);
}
