import { enforcedFaceEffect } from '@darkroom/core/delivery';
import type { ImageVariantSpec } from '@darkroom/core/presets';
import type { Sharp } from 'sharp';
import { outputPlan, withTimeout, type RenderBudget } from './encode.js';
import { coveredFaces, redactFaces, type OutputPlacement } from './face-redaction.js';
import { coverRegion, type Point, type Region, type Size } from './geometry.js';
import type { VariantRedaction } from './types.js';

/**
 * A tenant policy's `enforceFaceRedaction` in eager variants (docs/delivery.md#faces): the known
 * faces covered in each variant's own pixels, by delivery's face effect at its least strength
 * (face-redaction.ts), so a variant and an `/img/` render of one size hide a face alike.
 */

/** What a variant's render needs to find the faces in its output: the faces, the displayed image, and the part of it decoded. */
export interface Covering {
  redaction: VariantRedaction;
  /** The whole displayed image: the faces are fractions of it. */
  displayed: Size;
  /** The part of it the decoded pixels are (the crop; the whole image without one), in displayed pixels. */
  region: Region;
}

/** The redaction a render applies: none where the options ask none or no face is known (the pixels are the same either way). */
export function activeRedaction(redaction: VariantRedaction | undefined): VariantRedaction | null {
  return redaction && redaction.faces.length > 0 ? redaction : null;
}

/**
 * Where displayed pixels land in a variant's output, as `resizeTo` shapes it from the decoded
 * pixels: the part kept (all of them, or for `cover` the region of the output's aspect around the
 * focus, the centre without one), scaled to the output's exact size.
 */
export function variantPlacement(covering: Covering, pixels: Size, spec: ImageVariantSpec, focus?: Point): OutputPlacement {
  const { region } = covering;
  const output = outputPlan(spec, { width: region.width, height: region.height });
  const kept =
    output.fit === 'cover'
      ? coverRegion(pixels, output.width / output.height, focus ?? { x: 0.5, y: 0.5 })
      : { left: 0, top: 0, width: pixels.width, height: pixels.height };
  const scaleX = (pixels.width / region.width) * (output.width / kept.width);
  const scaleY = (pixels.height / region.height) * (output.height / kept.height);
  return {
    scaleX,
    scaleY,
    offsetX: region.left * scaleX + (kept.left * output.width) / kept.width,
    offsetY: region.top * scaleY + (kept.top * output.height) / kept.height,
  };
}

/** A shaped variant's pixels with the faces covered, ready to encode. */
export async function coverVariantFaces(shaped: Sharp, covering: Covering, placement: OutputPlacement, budget: RenderBudget): Promise<Sharp> {
  const { data, info } = await withTimeout(shaped.raw({ depth: 'uchar' }), budget).toBuffer({ resolveWithObject: true });
  const output = { width: info.width, height: info.height };
  const covered = coveredFaces(covering.redaction.faces, covering.displayed, placement, output);
  const image = { data, ...output, channels: info.channels };
  return redactFaces(image, covered, enforcedFaceEffect(covering.redaction.effect)!, (pipeline) => withTimeout(pipeline, budget));
}
