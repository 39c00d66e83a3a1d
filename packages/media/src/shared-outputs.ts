import type { FaceRedaction } from '@darkroom/core/delivery';
import { variantSpecHash, type ImageVariantSpec } from '@darkroom/core/presets';
import { outputHashOf } from './encode.js';
import type { Size } from './geometry.js';
import type { RenderedVariant } from './types.js';

export interface SharedOutputs {
  /** One spec per distinct output, in the order they first appear: the ones to encode. */
  distinct: ImageVariantSpec[];
  /** The variants of `distinct` (in its order) → one variant per spec asked for, sharing bytes. */
  expand(rendered: readonly RenderedVariant[]): RenderedVariant[];
}

/**
 * Groups specs by what they come out as for this source (`outputPlan`: size, fit as rendered,
 * format, quality where the format has one). None is ever enlarged, so every box larger than a
 * photo gives the same picture: a 500×333 original is one encode for `small`, `medium` and
 * `large`, not three; a `cover` box of a photo's own aspect is its `inside` picture of that size.
 */
export function shareOutputs(specs: readonly ImageVariantSpec[], source: Size, redaction: FaceRedaction | null = null): SharedOutputs {
  const indexOf = new Map<string, number>();
  const distinct: ImageVariantSpec[] = [];
  const hashes = specs.map((spec) => {
    const hash = outputHashOf(spec, source, redaction);
    if (!indexOf.has(hash)) {
      indexOf.set(hash, distinct.length);
      distinct.push(spec);
    }
    return hash;
  });
  return {
    distinct,
    expand: (rendered) =>
      specs.map((spec, i) => {
        const made = rendered[indexOf.get(hashes[i]!)!]!;
        return made.spec === spec ? made : { ...made, spec, specHash: variantSpecHash(spec) };
      }),
  };
}
