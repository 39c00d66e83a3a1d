import { autoQualityLevel, type AutoQualityLevel } from '@darkroom/core/delivery-grammar';
import type { ImageVariantSpec } from '@darkroom/core/presets';
import type { FaceRedaction } from '@darkroom/core/delivery';
import sharp, { type Sharp } from 'sharp';
import { encodeAutoQuality, type AutoQualityFormat } from './auto-quality.js';
import { encode, fileInput, resizeTo, startBudget, toVariant, withTimeout, type RenderBudget } from './encode.js';
import { frameOf, scaleRegion, type Frame } from './framing.js';
import { decodeSize, type Point, type Size } from './geometry.js';
import { shareOutputs } from './shared-outputs.js';
import { openHeif } from './heif/decode.js';
import { PLACEHOLDER_BOX } from './placeholder.js';
import { renderAnimated } from './render-animated.js';
import { classifyDecodeError } from './sharp-errors.js';
import { activeRedaction, coverVariantFaces, variantPlacement, type Covering } from './variant-redaction.js';
import type { ImageInput, ImageProbe, RawImage, RenderOptions, RenderedVariant } from './types.js';

export interface RenderResult {
  variants: RenderedVariant[];
  /** Decoded pixels (at least PLACEHOLDER_BOX in size) for computePlaceholder, so the file isn't decoded again. */
  pixels: RawImage;
  /** The crop and focus as rendered (`options.framing` against the probed size); null: the whole image, centred. */
  frame: Frame | null;
  /** The pixels are the whole still image as displayed, at least as large as `wholeImageBoxes` ask (no crop, no animation). */
  whole: boolean;
}

/** A box the decode must also cover (fit and size, as a variant's): see renderImage's `wholeImageBoxes`. */
export type DecodeBox = Pick<ImageVariantSpec, 'fit' | 'width' | 'height'>;

/** Renders every spec from `path`. Reported sizes are as displayed (EXIF orientation applied). */
export async function renderVariants(
  path: string,
  probe: ImageProbe,
  specs: readonly ImageVariantSpec[],
  options: RenderOptions,
): Promise<RenderedVariant[]> {
  return (await renderImage(path, probe, specs, options)).variants;
}

/**
 * renderVariants plus the decoded pixels it worked from. Specs that come out the same for this
 * source are encoded once (`shareOutputs`): every spec still gets its variant. `wholeImageBoxes`
 * are boxes of the whole image someone else makes from the same pixels (the face search's input):
 * the decode covers them too when it decodes the whole image (`whole` in the result says it did).
 */
export async function renderImage(
  path: string,
  probe: ImageProbe,
  specs: readonly ImageVariantSpec[],
  options: RenderOptions,
  wholeImageBoxes: readonly DecodeBox[] = [],
): Promise<RenderResult> {
  const budget = startBudget(options);
  try {
    const frame = frameOf(options.framing, probe);
    // Sizes follow the crop as displayed; the decoded pixels are that crop, so the focus is theirs as it is.
    const source = frame ? { width: frame.region.width, height: frame.region.height } : probe;
    const redaction = activeRedaction(options.redaction);
    const { distinct, expand } = shareOutputs(specs, source, redaction?.effect ?? null);
    // libvips extracts from an animation's whole frame strip, not frame by frame: an animation's
    // eager variants stay whole and centred (its crop is recorded and checked all the same).
    // Faces are known of the first frame alone: an animation to redact renders as that frame, as delivery does.
    if (probe.animated && !redaction) {
      const animated = await renderAnimated(path, probe, distinct, budget);
      return { variants: expand(animated.variants), pixels: animated.pixels, frame, whole: false };
    }
    const whole = !frame || (frame.region.width === probe.width && frame.region.height === probe.height);
    const pixels = await decodeStill(path, probe, [...distinct, ...(whole ? wholeImageBoxes : [])], budget, frame);
    const region = frame?.region ?? { left: 0, top: 0, width: probe.width, height: probe.height };
    const covering = redaction ? { redaction, displayed: { width: probe.width, height: probe.height }, region } : undefined;
    const variants = expand(await renderFromPixels(pixels, source, distinct, budget, frame?.focus, covering));
    return { variants, pixels, frame, whole };
  } catch (error) {
    throw classifyDecodeError(error, { timeoutSeconds: options.timeoutSeconds });
  }
}

/**
 * Decode once: orient, convert to 8-bit sRGB and shrink to the largest size any variant needs,
 * in ONE pipeline. The resize must be in the same pipeline as the load, because that is the only
 * way libvips can shrink on load (libjpeg decodes at 1/2, 1/4 or 1/8 scale; libwebp scales while
 * decoding), which is what keeps a 100-megapixel JPEG from ever existing at full size in memory.
 * The raw result is at most the size of the largest variant (2560 px on the long side for the
 * default preset: ~15 MB as RGB, ~20 MB as RGBA), whatever the size of the original.
 *
 * Why not decode per variant (bench/render.bench.ts): for JPEG the saving is small, because
 * shrink-on-load already makes the small variants' decodes cheap and WebP encoding is most of the
 * work; for PNG, which has no shrink-on-load, it is large. The placeholder reuses these pixels,
 * which saves one more decode. The price is holding the raw pixels while the variants are encoded
 * (docs/design/worker.md#decode-once has the figures).
 */
export async function decodeStill(
  path: string,
  probe: ImageProbe,
  specs: readonly DecodeBox[],
  options: RenderBudget,
  frame: Frame | null = null,
): Promise<RawImage> {
  const region = frame?.region ?? { left: 0, top: 0, width: probe.width, height: probe.height };
  const wanted = decodeSize([...specs, PLACEHOLDER_BOX], region);
  // A crop shrinks the whole image by the crop's scale and cuts the crop out after (sharp's
  // extract after resize), so shrink-on-load still applies to a cropped image.
  const scale = { x: wanted.width / region.width, y: wanted.height / region.height };
  const size = { width: Math.max(1, Math.round(probe.width * scale.x)), height: Math.max(1, Math.round(probe.height * scale.y)) };
  let pipeline = await openStill(path, probe, options);
  if (size.width !== probe.width || size.height !== probe.height) {
    pipeline = pipeline.resize(size.width, size.height, { fit: 'fill' });
  }
  if (frame) pipeline = pipeline.extract(scaleRegion(region, scale, size));
  // toColourspace('srgb') also turns CMYK (through its embedded ICC profile), greyscale and
  // 16-bit input into 8-bit RGB(A), so every variant starts from the same kind of pixels.
  pipeline = withTimeout(pipeline.toColourspace('srgb').raw({ depth: 'uchar' }), options);
  const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 && info.channels !== 4) {
    throw new Error(`Expected 3 or 4 channels after sRGB conversion, got ${info.channels}`);
  }
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/**
 * A still image's upright pixels as a sharp pipeline to go on from. HEIC is decoded in a thread of
 * its own first (heif/decode.ts: its pixels come out upright and full size, as libheif has no
 * shrink-on-load); everything else is read by libvips, auto-oriented from EXIF.
 */
export async function openStill(input: ImageInput, probe: ImageProbe, options: RenderBudget): Promise<Sharp> {
  if (probe.format === 'heif') return openHeif(input, probe, options);
  return sharp(input, fileInput(options, { autoOrient: true }));
}

/**
 * Each variant is a shrink/crop of the decoded pixels. Output sizes are computed from the
 * source's displayed size (not the decoded one), so they don't depend on how the decode rounded.
 * One after another as a rule: in parallel they finish sooner on idle cores but use the same CPU
 * and more memory, and a worker running several jobs has no idle cores. When the worker does have
 * idle render slots (`spareEncodes`), as many more variants encode at once, largest first: a single
 * upload to an idle worker is then ready sooner, at no cost to a busy one
 * (docs/design/worker.md#variants-in-parallel-on-idle-slots).
 */
export async function renderFromPixels(
  pixels: RawImage,
  source: Size,
  specs: readonly ImageVariantSpec[],
  options: RenderBudget,
  focus?: Point,
  covering?: Covering,
): Promise<RenderedVariant[]> {
  const variants: RenderedVariant[] = new Array(specs.length);
  const lanes = Math.max(1, Math.min(specs.length, 1 + Math.floor(options.spareEncodes?.() ?? 0)));
  // Largest first, so the lanes finish together rather than one waiting on the biggest at the end.
  const order = lanes === 1 ? specs.map((_, i) => i) : specs.map((_, i) => i).sort((a, b) => area(specs[b]!) - area(specs[a]!));
  let next = 0;
  const lane = async () => {
    while (next < order.length) {
      const index = order[next++]!;
      variants[index] = await renderVariant(pixels, source, specs[index]!, options, { focus, covering });
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return variants;
}

const area = (spec: ImageVariantSpec) => spec.width * spec.height;

async function renderVariant(
  pixels: RawImage,
  source: Size,
  spec: ImageVariantSpec,
  options: RenderBudget,
  { focus, covering }: { focus?: Point | undefined; covering?: Covering | undefined },
): Promise<RenderedVariant> {
  // Wraps our own buffer without copying; its size is already bounded, hence no pixel limit.
  const input = sharp(pixels.data, {
    raw: { width: pixels.width, height: pixels.height, channels: pixels.channels },
    limitInputPixels: false,
  });
  const size = { width: pixels.width, height: pixels.height };
  const framed = focus ? { pixels: size, focus } : undefined;
  let shaped = resizeTo(input, spec, source, framed);
  if (covering) shaped = await coverVariantFaces(shaped, covering, variantPlacement(covering, size, spec, focus), options);
  const redaction = covering?.redaction.effect ?? null;
  const level = autoQualityLevel(spec.quality);
  if (level && spec.format !== 'png') return searchedVariant(shaped, spec, { level, format: spec.format, redaction }, source, options);
  const { data, info } = await withTimeout(encode(shaped, spec), options).toBuffer({ resolveWithObject: true });
  return toVariant(spec, source, data, info, { redaction });
}

/**
 * A `quality: "auto…"` variant: the resized pixels, then delivery's `q_auto` search on them
 * (auto-quality.ts), so an eager variant and a `q_auto` URL of the same size choose alike.
 */
async function searchedVariant(
  resized: Sharp,
  spec: ImageVariantSpec,
  search: { level: AutoQualityLevel; format: AutoQualityFormat; redaction: FaceRedaction | null },
  source: Size,
  options: RenderBudget,
): Promise<RenderedVariant> {
  const { data, info } = await withTimeout(resized.raw({ depth: 'uchar' }), options).toBuffer({ resolveWithObject: true });
  const found = await encodeAutoQuality({ data, width: info.width, height: info.height, channels: info.channels }, search.format, search.level);
  return toVariant(spec, source, found.data, found.info, { redaction: search.redaction, quality: found.quality });
}
