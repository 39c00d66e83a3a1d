import type { ImageVariantSpec } from '@darkroom/core/presets';
import sharp from 'sharp';
import { canAnimate, encode, fileInput, resizeTo, toVariant, withTimeout, type RenderBudget } from './encode.js';
import { PLACEHOLDER_BOX } from './placeholder.js';
import type { ImageProbe, RawImage, RenderedVariant } from './types.js';

/**
 * Animated GIF/WebP → animated WebP, each variant straight from the file.
 *
 * Not decode-once: libvips holds an animation as one tall strip of frames, so a raw copy of all
 * frames is frames × width × height × 4 bytes (a 300-frame 1000x1000 GIF would be 1.2 GB), while a
 * file → resize → WebP pipeline streams the strip through in small pieces. Animations are
 * usually small files, so decoding them once per variant is cheap.
 *
 * sharp resizes and cover-crops animations per frame (every frame gets the same centred crop), and
 * copies the loop count and per-frame delays from the input to the WebP output, so the thumb is a
 * real 256x256 animation too.
 *
 * Not auto-oriented: GIF has no orientation tag and animated WebP almost never carries one (sharp
 * would not even write one on an animation when we tried, so per-frame rotation is untested).
 * Animations therefore report and render their stored dimensions.
 */
export async function renderAnimated(
  path: string,
  probe: ImageProbe,
  specs: readonly ImageVariantSpec[],
  options: RenderBudget,
): Promise<{ variants: RenderedVariant[]; pixels: RawImage }> {
  const variants: RenderedVariant[] = [];
  for (const spec of specs) {
    // Formats that can't animate get the first frame rather than a failure.
    const input = sharp(path, fileInput(options, canAnimate(spec.format) ? { animated: true } : { pages: 1 }));
    const pipeline = withTimeout(encode(resizeTo(input, spec, probe), spec), options);
    const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
    variants.push(toVariant(spec, probe, data, info));
  }
  return { variants, pixels: await firstFramePixels(path, options) };
}

/** The placeholder describes the first frame, which is what shows before the animation starts. */
async function firstFramePixels(path: string, options: RenderBudget): Promise<RawImage> {
  const pipeline = sharp(path, fileInput(options, { pages: 1 }))
    .resize(PLACEHOLDER_BOX.width, PLACEHOLDER_BOX.height, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' });
  const { data, info } = await withTimeout(pipeline, options).toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels === 4 ? 4 : 3 };
}
