import { DELIVERY_CONTENT_TYPES } from '@darkroom/core/delivery-options';
import type { Crop, Focus } from '@darkroom/core/delivery';
import type { FaceBox } from '@darkroom/core/contract/asset';
import {
  autoQualityLevel,
  type DeliveryFaceEffect,
  type DeliveryFit,
  type DeliveryFormat,
  type DeliveryGravity,
  type DeliveryQuality,
} from '@darkroom/core/delivery-grammar';
import sharp, { type Sharp } from 'sharp';
import { ANIMATION_QUALITY, encodeAutoQuality, type AutoQualityFormat } from './auto-quality.js';
import { encode, fileInput, startBudget, withTimeout, type RenderBudget } from './encode.js';
import { faceCropRegion } from './face-crop.js';
import { coveredFaces, redactFaces, type OutputPlacement } from './face-redaction.js';
import { coverRegion, cropRegion, focusWithin, type Region, type Size } from './geometry.js';
import { probeImage } from './probe.js';
import { openStill } from './render.js';
import { classifyDecodeError } from './sharp-errors.js';
import type { ImageInput, ImageProbe, RenderOptions } from './types.js';
import { extractPoster } from './video/poster.js';
import { probeVideo } from './video/probe.js';
import type { VideoLimits } from './video/types.js';

/**
 * Images on request (docs/api.md#delivery): one output from one original, cut from its crop, in
 * the size, fit, gravity, quality and format a delivery URL asked for.
 */

/** One render, fully planned: its exact output size (`deliverySize`), where it is cut from, and how it is written. */
export interface DeliveryRender {
  width: number;
  height: number;
  fit: DeliveryFit;
  gravity: DeliveryGravity;
  /** A number, or a `q_auto` level searched per image (auto-quality.ts). */
  quality: DeliveryQuality;
  format: DeliveryFormat;
  crop: Crop | null;
  focus: Focus | null;
  /** Faces known in the displayed image (fractions of the whole of it), largest first: `g_face`, `g_faces` and the effects read them. */
  faces: readonly FaceBox[];
  /** `z_` of a face crop (1 elsewhere). */
  zoom: number;
  /** The face effect to apply (asked for, or enforced by the tenant's policy); null: none. */
  effect: DeliveryFaceEffect | null;
}

export interface DeliveredImage {
  data: Buffer;
  format: DeliveryFormat;
  contentType: string;
  width: number;
  height: number;
  /** The encoder quality used: the one asked for, the one `q_auto` chose; undefined for PNG and GIF. */
  quality: number | undefined;
  /** Encodes made: 1, or a `q_auto` search's probe encodes and its full one. */
  encodes: number;
  /** Those encodes in encodes of the output's size, rounded up (auto-quality.ts): what the render counts as. */
  cost: number;
}

/** What format negotiation needs to know of an original. */
export interface DeliverySourceFacts {
  animated: boolean;
  hasAlpha: boolean;
}

export interface DeliverOptions extends RenderOptions {
  /** The worker's video limits: a poster is only taken from a video the worker would take. */
  video: VideoLimits;
}

/** Animation and transparency of an image original, from its header alone (a video's poster has neither). */
export async function deliverySourceFacts(original: ImageInput, kind: 'image' | 'video', options: DeliverOptions): Promise<DeliverySourceFacts> {
  if (kind === 'video') return { animated: false, hasAlpha: false };
  const probe = await probeImage(original, options);
  return { animated: probe.animated, hasAlpha: probe.hasAlpha };
}

/**
 * Renders one delivery from an original, its bytes or its file's path (a video: its poster frame,
 * through ffmpeg, which reads a file). Upright, sRGB, no metadata; an animation stays animated in
 * WebP and GIF.
 */
export async function renderOnRequest(
  original: ImageInput,
  kind: 'image' | 'video',
  render: DeliveryRender,
  options: DeliverOptions,
): Promise<DeliveredImage> {
  const budget = startBudget(options);
  const input = kind === 'video' ? await posterOf(videoFile(original), budget, options.video) : original;
  const probe = await probeImage(input, options);
  try {
    // Faces are known of the first frame alone: an animation to redact is answered as its first frame.
    const animated = probe.animated && (render.format === 'webp' || render.format === 'gif') && !redacts(render);
    const level = autoQualityLevel(render.quality);
    if (level && !animated && isSearchable(render.format)) {
      const shaped = await stillShaped(input, probe, render, budget);
      const { data, info } = await withTimeout(shaped.raw({ depth: 'uchar' }), budget).toBuffer({ resolveWithObject: true });
      const found = await encodeAutoQuality({ data, width: info.width, height: info.height, channels: info.channels }, render.format, level);
      return { ...delivered(found.data, render.format, found.info), quality: found.quality, encodes: found.encodes, cost: found.cost };
    }
    const fixed = { ...render, quality: level ? ANIMATION_QUALITY[level] : (render.quality as number) };
    const encoded = animated ? await animation(input, probe, fixed, budget) : encodeAs(await stillShaped(input, probe, fixed, budget), fixed);
    const { data, info } = await withTimeout(encoded, budget).toBuffer({ resolveWithObject: true });
    const lossless = render.format === 'png' || render.format === 'gif';
    return { ...delivered(data, render.format, info), quality: lossless ? undefined : fixed.quality, encodes: 1, cost: 1 };
  } catch (error) {
    throw classifyDecodeError(error, { timeoutSeconds: options.timeoutSeconds });
  }
}

const isSearchable = (format: DeliveryFormat): format is AutoQualityFormat => format === 'jpeg' || format === 'webp' || format === 'avif';

function delivered(data: Buffer, format: DeliveryFormat, info: { width: number; height: number; pageHeight?: number }) {
  return { data, format, contentType: DELIVERY_CONTENT_TYPES[format], width: info.width, height: info.pageHeight ?? info.height };
}

/** The pixels of an animation's frames decoded at once to cut a region from each (16 MB of RGBA). */
const ANIMATION_RUN_PIXELS = 4_000_000;

/** A render whose quality is a number: what an animation, which `q_auto` does not search, is encoded with. */
type FixedRender = DeliveryRender & { quality: number };

/**
 * An animation, every frame shaped alike, encoded. Without a crop or a cover region, libvips streams the
 * frames through one resize (render-animated.ts). libvips extracts from the strip of frames rather
 * than from each, so a region is cut frame by frame instead, into a strip of output frames (output
 * size × frames: small). `g_auto` (and a face gravity with no face in the crop) takes the centre: an
 * attention crop per frame would jump about.
 */
async function animation(input: ImageInput, probe: ImageProbe, render: FixedRender, budget: RenderBudget): Promise<Sharp> {
  const displayed = { width: probe.width, height: probe.height };
  const cover = render.fit === 'cover' ? (renderRegion(displayed, render) ?? renderRegion(displayed, { ...render, gravity: 'center' })) : null;
  const region = cover ?? cropRegion(render.crop, displayed);
  const { width, height } = render;
  const all = sharp(input, fileInput(budget, { animated: true }));
  // libvips carries each frame's delay and the loop count over from the file.
  if (isWhole(region, displayed)) return encodeAs(all.resize(width, height, { fit: 'fill' }), render);
  const { delay, loop } = await all.metadata();
  const frames: Buffer[] = [];
  // A GIF's or WebP's frame N is decoded through every frame before it: opened a frame at a time, 1,100
  // small frames took past the 30 s limit. A run of frames is decoded at once, up to about
  // ANIMATION_RUN_PIXELS, and each frame's region cut from it in memory.
  const perRun = Math.max(1, Math.floor(ANIMATION_RUN_PIXELS / (probe.width * probe.height)));
  for (let first = 0; first < probe.pages; first += perRun) {
    const pages = Math.min(perRun, probe.pages - first);
    const decoded = await withTimeout(
      sharp(input, fileInput(budget, { page: first, pages }))
        .ensureAlpha()
        .raw({ depth: 'uchar' }),
      budget,
    ).toBuffer();
    const run = { width: probe.width, height: probe.height * pages, channels: 4 as const };
    for (let page = 0; page < pages; page++) {
      const frame = sharp(decoded, { raw: run })
        .extract({ ...region, top: page * probe.height + region.top })
        .resize(width, height, { fit: 'fill' })
        .raw({ depth: 'uchar' });
      frames.push(await withTimeout(frame, budget).toBuffer());
    }
  }
  const strip = sharp(Buffer.concat(frames), { raw: { width, height: height * frames.length, channels: 4, pageHeight: height } });
  return render.format === 'gif' ? strip.gif({ delay, loop }) : strip.webp({ quality: render.quality, delay, loop });
}

function videoFile(original: ImageInput): string {
  if (typeof original !== 'string') throw new TypeError('a video original renders from a file, not from memory');
  return original;
}

async function posterOf(path: string, budget: RenderBudget, limits: VideoLimits): Promise<Buffer> {
  const probe = await probeVideo(path, limits);
  const timeoutMs = budget.deadline === undefined ? undefined : Math.max(1, budget.deadline - performance.now());
  return extractPoster(path, probe, timeoutMs === undefined ? {} : { timeoutMs });
}

/** A still (or an animation's first frame): shaped, its faces covered where the render says so, not yet encoded. */
async function stillShaped(input: ImageInput, probe: ImageProbe, render: DeliveryRender, budget: RenderBudget): Promise<Sharp> {
  const shaped = shape((await openStill(input, probe, budget)).toColourspace('srgb'), probe, render);
  if (!redacts(render) || render.effect === null) return shaped.pipeline;
  const { data, info } = await withTimeout(shaped.pipeline.raw({ depth: 'uchar' }), budget).toBuffer({ resolveWithObject: true });
  const output = { width: info.width, height: info.height };
  const placement = shaped.placement ?? attentionPlacement(shaped.attentionCrop, output, info);
  const covered = coveredFaces(render.faces, { width: probe.width, height: probe.height }, placement, output);
  const image = { data, ...output, channels: info.channels };
  return redactFaces(image, covered, render.effect, (pipeline) => withTimeout(pipeline, budget));
}

const redacts = (render: DeliveryRender) => render.effect !== null && render.faces.length > 0;

/** A shaped pipeline and where displayed pixels land in its output: known up front, or (`g_auto`) once libvips has chosen. */
type Shaped =
  | { pipeline: Sharp; placement: OutputPlacement; attentionCrop?: undefined }
  | { pipeline: Sharp; placement?: undefined; attentionCrop: Region };

/**
 * Where an attention crop put the displayed image: the crop scaled to cover the output, less the
 * offset libvips reports of the part it kept (sharp's `cropOffsetLeft`/`Top`, negative as libvips writes them).
 */
function attentionPlacement(crop: Region, output: Size, info: { cropOffsetLeft?: number; cropOffsetTop?: number }): OutputPlacement {
  const scale = Math.max(output.width / crop.width, output.height / crop.height);
  return {
    scaleX: scale,
    scaleY: scale,
    offsetX: crop.left * scale + Math.abs(info.cropOffsetLeft ?? 0),
    offsetY: crop.top * scale + Math.abs(info.cropOffsetTop ?? 0),
  };
}

/**
 * The crop, then the box: the part of the image shown (the crop, or for `g_focus`/`g_center` the
 * cover region inside it, for `g_face`/`g_faces` the face crop's) at exactly the planned size. The
 * whole image is shrunk first and the part cut from the shrunk pixels: libvips shrinks a JPEG while
 * decoding it only when no cut comes before the resize: cutting first decodes the whole JPEG at full
 * size, slower and in far more memory. `g_auto` (and a face gravity with no face in the crop) leaves
 * the choice of region to libvips' attention strategy, within the crop.
 */
function shape(pipeline: Sharp, probe: ImageProbe, render: DeliveryRender): Shaped {
  const displayed = { width: probe.width, height: probe.height };
  const { width, height } = render;
  const region = render.fit === 'cover' ? renderRegion(displayed, render) : cropRegion(render.crop, displayed);
  if (region === null) {
    const crop = cropRegion(render.crop, displayed);
    const attention = extractIfPart(pipeline, crop, displayed).resize(width, height, { fit: 'cover', position: 'attention' });
    return { pipeline: attention, attentionCrop: crop };
  }
  const scale = { x: width / region.width, y: height / region.height };
  if (isWhole(region, displayed)) return { pipeline: pipeline.resize(width, height, { fit: 'fill' }), placement: placed(scale, 0, 0) };
  const shrunk = {
    width: Math.max(width, Math.round(displayed.width * scale.x)),
    height: Math.max(height, Math.round(displayed.height * scale.y)),
  };
  const cut = {
    left: Math.min(shrunk.width - width, Math.round(region.left * scale.x)),
    top: Math.min(shrunk.height - height, Math.round(region.top * scale.y)),
    width,
    height,
  };
  const scaled = { x: shrunk.width / displayed.width, y: shrunk.height / displayed.height };
  return { pipeline: pipeline.resize(shrunk.width, shrunk.height, { fit: 'fill' }).extract(cut), placement: placed(scaled, cut.left, cut.top) };
}

const placed = (scale: { x: number; y: number }, offsetX: number, offsetY: number): OutputPlacement => ({
  scaleX: scale.x,
  scaleY: scale.y,
  offsetX,
  offsetY,
});

/**
 * The part of the displayed image a `cover` render shows: its region of the output's aspect around
 * the focus (`g_focus`, `g_center`) or the faces (`g_face`, `g_faces`), within the crop. Null: the
 * attention strategy chooses (`g_auto`, or a face gravity with no face in the crop).
 */
function renderRegion(displayed: Size, render: DeliveryRender): Region | null {
  const crop = cropRegion(render.crop, displayed);
  if (render.gravity === 'auto') return null;
  if (render.gravity === 'face' || render.gravity === 'faces') {
    const output = { width: render.width, height: render.height };
    return faceCropRegion({ displayed, crop, output, faces: render.faces, which: render.gravity, zoom: render.zoom });
  }
  const focus = render.gravity === 'focus' ? focusWithin(render.focus, crop, displayed) : { x: 0.5, y: 0.5 };
  const inner = coverRegion({ width: crop.width, height: crop.height }, render.width / render.height, focus);
  return { left: crop.left + inner.left, top: crop.top + inner.top, width: inner.width, height: inner.height };
}

const isWhole = (region: Region, displayed: Size) =>
  region.left === 0 && region.top === 0 && region.width === displayed.width && region.height === displayed.height;

function extractIfPart(pipeline: Sharp, region: Region, displayed: Size): Sharp {
  return isWhole(region, displayed) ? pipeline : pipeline.extract(region);
}

function encodeAs(pipeline: Sharp, render: FixedRender): Sharp {
  if (render.format === 'gif') return pipeline.gif();
  if (render.format === 'webp') return pipeline.webp({ quality: render.quality });
  return encode(pipeline, { format: render.format, quality: render.quality });
}
