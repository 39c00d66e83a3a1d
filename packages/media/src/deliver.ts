import { DELIVERY_CONTENT_TYPES } from '@darkroom/core/delivery-options';
import type { Crop, Focus } from '@darkroom/core/delivery';
import type { DeliveryFit, DeliveryFormat, DeliveryGravity } from '@darkroom/core/delivery-grammar';
import sharp, { type Sharp } from 'sharp';
import { encode, fileInput, startBudget, withTimeout, type RenderBudget } from './encode.js';
import { coverRegion, cropRegion, focusWithin, variantSize, type Region, type Size } from './geometry.js';
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

/** The box a URL asks for (`dpr` already applied); a missing side is unbounded. */
export interface DeliveryBox {
  width?: number | undefined;
  height?: number | undefined;
  fit: DeliveryFit;
}

/**
 * The size a delivery answers with: the box applied to the crop of the displayed image, never
 * larger than that crop (a `cover` box too large keeps its aspect at 1:1, as variants do).
 */
export function deliverySize(box: DeliveryBox, displayed: Size, crop: Crop | null): Size {
  const region = cropRegion(crop, displayed);
  const source = { width: region.width, height: region.height };
  if (box.fit === 'cover' && box.width !== undefined && box.height !== undefined) {
    return variantSize({ fit: 'cover', width: box.width, height: box.height }, source);
  }
  const unbounded = Number.POSITIVE_INFINITY;
  return variantSize({ fit: 'inside', width: box.width ?? unbounded, height: box.height ?? unbounded }, source);
}

/** One render, fully planned: its exact output size (`deliverySize`), where it is cut from, and how it is written. */
export interface DeliveryRender {
  width: number;
  height: number;
  fit: DeliveryFit;
  gravity: DeliveryGravity;
  quality: number;
  format: DeliveryFormat;
  crop: Crop | null;
  focus: Focus | null;
}

export interface DeliveredImage {
  data: Buffer;
  format: DeliveryFormat;
  contentType: string;
  width: number;
  height: number;
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
    const animated = probe.animated && (render.format === 'webp' || render.format === 'gif');
    const encoded = animated
      ? await animation(input, probe, render, budget)
      : encodeAs(shape((await openStill(input, probe, budget)).toColourspace('srgb'), probe, render), render);
    const { data, info } = await withTimeout(encoded, budget).toBuffer({ resolveWithObject: true });
    return {
      data,
      format: render.format,
      contentType: DELIVERY_CONTENT_TYPES[render.format],
      width: info.width,
      height: info.pageHeight ?? info.height,
    };
  } catch (error) {
    throw classifyDecodeError(error, { timeoutSeconds: options.timeoutSeconds });
  }
}

/**
 * An animation, every frame shaped alike, encoded. Without a crop or a cover region, libvips streams the
 * frames through one resize (render-animated.ts). libvips extracts from the strip of frames rather
 * than from each, so a region is cut frame by frame instead, into a strip of output frames (output
 * size × frames: small). `g_auto` takes the centre: an attention crop per frame would jump about.
 */
async function animation(input: ImageInput, probe: ImageProbe, render: DeliveryRender, budget: RenderBudget): Promise<Sharp> {
  const displayed = { width: probe.width, height: probe.height };
  const region = renderRegion(displayed, render.gravity === 'auto' ? { ...render, gravity: 'center' } : render);
  const { width, height } = render;
  const all = sharp(input, fileInput(budget, { animated: true }));
  // libvips carries each frame's delay and the loop count over from the file.
  if (isWhole(region, displayed)) return encodeAs(all.resize(width, height, { fit: 'fill' }), render);
  const { delay, loop } = await all.metadata();
  const frames: Buffer[] = [];
  for (let page = 0; page < probe.pages; page++) {
    const frame = sharp(input, fileInput(budget, { page, pages: 1 }))
      .ensureAlpha()
      .extract(region)
      .resize(width, height, { fit: 'fill' })
      .raw({ depth: 'uchar' });
    frames.push(await withTimeout(frame, budget).toBuffer());
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

/**
 * The crop, then the box: the part of the image shown (the crop, or for `g_focus`/`g_center` the
 * cover region inside it) at exactly the planned size. The whole image is shrunk first and the part
 * cut from the shrunk pixels: libvips shrinks a JPEG while decoding it only when no cut comes before
 * the resize: cutting first decodes the whole JPEG at full size, slower and in far more memory.
 * `g_auto` leaves the choice of region to libvips' attention strategy, within the crop.
 */
function shape(pipeline: Sharp, probe: ImageProbe, render: DeliveryRender): Sharp {
  const displayed = { width: probe.width, height: probe.height };
  const { width, height } = render;
  if (render.fit === 'cover' && render.gravity === 'auto') {
    const crop = cropRegion(render.crop, displayed);
    return extractIfPart(pipeline, crop, displayed).resize(width, height, { fit: 'cover', position: 'attention' });
  }
  const region = renderRegion(displayed, render);
  if (isWhole(region, displayed)) return pipeline.resize(width, height, { fit: 'fill' });
  const scale = { x: width / region.width, y: height / region.height };
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
  return pipeline.resize(shrunk.width, shrunk.height, { fit: 'fill' }).extract(cut);
}

/** The part of the displayed image a render shows: the crop, or for `cover` its region of the output's aspect around the focus. */
function renderRegion(displayed: Size, render: DeliveryRender): Region {
  const crop = cropRegion(render.crop, displayed);
  if (render.fit !== 'cover') return crop;
  const focus = render.gravity === 'focus' ? focusWithin(render.focus, crop, displayed) : { x: 0.5, y: 0.5 };
  const inner = coverRegion({ width: crop.width, height: crop.height }, render.width / render.height, focus);
  return { left: crop.left + inner.left, top: crop.top + inner.top, width: inner.width, height: inner.height };
}

const isWhole = (region: Region, displayed: Size) =>
  region.left === 0 && region.top === 0 && region.width === displayed.width && region.height === displayed.height;

function extractIfPart(pipeline: Sharp, region: Region, displayed: Size): Sharp {
  return isWhole(region, displayed) ? pipeline : pipeline.extract(region);
}

function encodeAs(pipeline: Sharp, render: DeliveryRender): Sharp {
  if (render.format === 'gif') return pipeline.gif();
  if (render.format === 'webp') return pipeline.webp({ quality: render.quality });
  return encode(pipeline, { format: render.format, quality: render.quality });
}
