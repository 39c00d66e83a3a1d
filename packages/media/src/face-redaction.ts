import type { FaceBox } from '@darkroom/core/contract/asset';
import type { DeliveryFaceEffect } from '@darkroom/core/delivery-grammar';
import sharp, { type Sharp } from 'sharp';
import type { Region, Size } from './geometry.js';

/**
 * `e_blur-faces` and `e_pixelate-faces` (docs/delivery.md#faces): every known face box, enlarged by
 * FACE_REDACTION_PADDING on each side, blurred or pixelated in the output's pixels.
 */

/** How much of a face box's width and height is added on each side of the area covered. */
export const FACE_REDACTION_PADDING = 0.1;

/**
 * The least strength per face, as a fraction of the face box's width in the output: pixel blocks
 * at least 1/6 of the face wide (six blocks across: no eye, nose or mouth keeps a block of its own;
 * Harmon's blocked Lincoln stays recognisable at about 14), a blur sigma at least 1/6 of it. A URL's
 * strength below it is raised to it.
 */
export const MIN_FACE_EFFECT_FRACTION = 1 / 6;

/** How displayed pixels land in the output: `output = displayed × scale − offset`. */
export interface OutputPlacement {
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
}

/** One face to cover in the output: the area covered (clipped to the output), and the face's own width there. */
export interface CoveredFace {
  area: Region;
  faceWidth: number;
}

/** Rounds away floating-point dust (90.00000000000001), so an edge on a whole pixel is not widened by one. */
const snap = (n: number) => Math.round(n * 1e6) / 1e6;

/** The faces' areas in output pixels, each enlarged by the padding and clipped to the output; faces outside it are left out. */
export function coveredFaces(faces: readonly FaceBox[], displayed: Size, placement: OutputPlacement, output: Size): CoveredFace[] {
  const covered: CoveredFace[] = [];
  for (const face of faces) {
    const width = face.width * displayed.width * placement.scaleX;
    const height = face.height * displayed.height * placement.scaleY;
    const x = face.x * displayed.width * placement.scaleX - placement.offsetX;
    const y = face.y * displayed.height * placement.scaleY - placement.offsetY;
    const left = Math.max(0, Math.floor(snap(x - width * FACE_REDACTION_PADDING)));
    const top = Math.max(0, Math.floor(snap(y - height * FACE_REDACTION_PADDING)));
    const right = Math.min(output.width, Math.ceil(snap(x + width * (1 + FACE_REDACTION_PADDING))));
    const bottom = Math.min(output.height, Math.ceil(snap(y + height * (1 + FACE_REDACTION_PADDING))));
    if (right > left && bottom > top) covered.push({ area: { left, top, width: right - left, height: bottom - top }, faceWidth: width });
  }
  return covered;
}

/** The strength applied to a face: the URL's, raised to the minimum for the face's width (blur sigma or block size, output pixels). */
export function faceEffectStrength(effect: DeliveryFaceEffect, faceWidth: number): number {
  const least = faceWidth * MIN_FACE_EFFECT_FRACTION;
  const strength = Math.max(effect.strength ?? 0, least);
  // libvips' blur takes a sigma from 0.3; a block is a whole pixel at least.
  return effect.name === 'blur-faces' ? Math.max(0.3, strength) : Math.max(1, Math.ceil(strength));
}

export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  /**
   * Straight (not premultiplied) alpha, as sharp's raw output always is: its `info.premultiplied`
   * says a resize premultiplied on the way, not that the bytes are, and reading them back as
   * premultiplied divides a half-transparent face's colours by its alpha, toward white.
   */
  channels: 1 | 2 | 3 | 4;
}

/** Whether area `a` holds all of area `b`. */
const holds = (a: Region, b: Region) =>
  a.left <= b.left && a.top <= b.top && a.left + a.width >= b.left + b.width && a.top + a.height >= b.top + b.height;

/**
 * The raw output with each face's area covered (in `image.data`, which is written over), as a
 * pipeline ready to encode. One face at a time, each area's cover pasted in before the next is
 * made, so only one area's copy is held beside the output however many faces there are (all at
 * once, 100 whole-image boxes on a 2,000 px output took 1.35 GB); an area inside one already covered
 * at least as strongly is skipped. `within` bounds each step's pipeline (the render's deadline).
 */
export async function redactFaces(
  image: RawImage,
  covered: readonly CoveredFace[],
  effect: DeliveryFaceEffect,
  within: (pipeline: Sharp) => Sharp = (pipeline) => pipeline,
): Promise<Sharp> {
  const done: { area: Region; strength: number }[] = [];
  for (const face of covered) {
    const strength = faceEffectStrength(effect, face.faceWidth);
    if (done.some((d) => d.strength >= strength && holds(d.area, face.area))) continue;
    paste(image, face.area, await coverOne(image, face.area, strength, effect, within));
    done.push({ area: face.area, strength });
  }
  return sharp(image.data, { raw: rawOf(image) });
}

/** `cover` (the area's pixels, row after row) written into the image at `area`. */
function paste(image: RawImage, area: Region, cover: Buffer): void {
  const rowBytes = area.width * image.channels;
  for (let row = 0; row < area.height; row++) {
    const at = ((area.top + row) * image.width + area.left) * image.channels;
    cover.copy(image.data, at, row * rowBytes, (row + 1) * rowBytes);
  }
}

/** Above this sigma a blur is made on a shrunk copy: a large face's sigma would otherwise cost a kernel hundreds of pixels wide. */
const DIRECT_BLUR_SIGMA_MAX = 6;

/**
 * A Gaussian blur of `sigma` over an area: directly up to DIRECT_BLUR_SIGMA_MAX, else on a copy
 * shrunk by sigma / that (the shrink averages, and a smooth area scales back up without detail),
 * which looks alike and costs about the same whatever the face's size.
 */
async function blurred(part: Sharp, area: Region, sigma: number, image: RawImage, within: (pipeline: Sharp) => Sharp): Promise<Buffer> {
  if (sigma <= DIRECT_BLUR_SIGMA_MAX) return within(part.blur(sigma).raw()).toBuffer();
  const factor = sigma / DIRECT_BLUR_SIGMA_MAX;
  const small = { width: Math.max(1, Math.round(area.width / factor)), height: Math.max(1, Math.round(area.height / factor)) };
  const shrunk = await within(part.resize(small.width, small.height, { fit: 'fill' }).blur(DIRECT_BLUR_SIGMA_MAX).raw()).toBuffer();
  return within(
    sharp(shrunk, { raw: { ...small, channels: image.channels } })
      .resize(area.width, area.height, { fit: 'fill' })
      .raw(),
  ).toBuffer();
}

const rawOf = (image: RawImage) => ({ width: image.width, height: image.height, channels: image.channels });

async function coverOne(
  image: RawImage,
  area: Region,
  strength: number,
  effect: DeliveryFaceEffect,
  within: (pipeline: Sharp) => Sharp,
): Promise<Buffer> {
  const part = sharp(image.data, { raw: rawOf(image) }).extract(area);
  if (effect.name === 'blur-faces') return blurred(part, area, strength, image, within);
  const columns = Math.max(1, Math.round(area.width / strength));
  const rows = Math.max(1, Math.round(area.height / strength));
  const blocks = await within(part.resize(columns, rows, { fit: 'fill' }).raw()).toBuffer();
  return within(
    sharp(blocks, { raw: { width: columns, height: rows, channels: image.channels } })
      .resize(area.width, area.height, { fit: 'fill', kernel: 'nearest' })
      .raw(),
  ).toBuffer();
}
