import { createHash } from 'node:crypto';

/** One output of a preset. `fit` follows sharp: `cover` crops to fill the box, `inside` keeps the whole image. */
export interface VariantSpec {
  name: string;
  fit: 'cover' | 'inside';
  width: number;
  height: number;
  format: 'webp' | 'avif' | 'jpeg' | 'png';
  quality: number;
}

export interface Preset {
  name: string;
  variants: readonly VariantSpec[];
}

const webp = (name: string, fit: VariantSpec['fit'], size: number, quality = 80): VariantSpec => ({
  name,
  fit,
  width: size,
  height: size,
  format: 'webp',
  quality,
});

export const PRESETS: Readonly<Record<string, Preset>> = {
  default: {
    name: 'default',
    variants: [
      webp('thumb', 'cover', 256),
      webp('small', 'inside', 640),
      webp('medium', 'inside', 1280),
      webp('large', 'inside', 2560),
    ],
  },
};

export function findPreset(name: string): Preset | undefined {
  return Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
}

/**
 * A short, stable hash of what a variant is rendered from. Variants record it, and it is part of
 * their object key, so a changed spec gets a new URL (variants are cached as immutable).
 * The version bumps when rendering itself changes in a way that alters output.
 */
export const RENDERER_VERSION = 1;

export function variantSpecHash(spec: VariantSpec): string {
  const canonical = JSON.stringify([RENDERER_VERSION, spec.name, spec.fit, spec.width, spec.height, spec.format, spec.quality]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}
