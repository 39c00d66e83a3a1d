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

/** Presets by name. Each app builds its registry once, at boot (the PRESETS_FILE setting, `presetsFileSetting`), and passes it around. */
export type PresetRegistry = Readonly<Record<string, Preset>>;

/** The built-in presets; a deployment may add or replace presets with PRESETS_FILE (see preset-file.ts). */
export const PRESETS: PresetRegistry = {
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

/** A tenant's own presets by name (`tenants.presets`): each shadows a global one of that name, for that tenant only. */
export type TenantPresets = Readonly<Record<string, readonly VariantSpec[]>>;

export interface ResolvedPreset extends Preset {
  owner: 'global' | 'tenant';
}

/** The preset a tenant's upload of `name` renders with: its own first, else the deployment's. */
export function resolvePreset(registry: PresetRegistry, tenantPresets: TenantPresets | null | undefined, name: string): ResolvedPreset | undefined {
  if (tenantPresets && Object.hasOwn(tenantPresets, name)) return { name, variants: tenantPresets[name]!, owner: 'tenant' };
  const global = findPreset(registry, name);
  return global ? { ...global, owner: 'global' } : undefined;
}

/** Every preset a tenant can use, by name: the global ones it does not shadow, and its own. */
export function tenantPresetList(registry: PresetRegistry, tenantPresets: TenantPresets | null | undefined): ResolvedPreset[] {
  const names = new Set([...Object.keys(registry), ...Object.keys(tenantPresets ?? {})]);
  return [...names].sort().map((name) => resolvePreset(registry, tenantPresets, name)!);
}

export function findPreset(presets: PresetRegistry, name: string): Preset | undefined {
  return Object.hasOwn(presets, name) ? presets[name] : undefined;
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

/** `{ variant name: spec hash }` of a preset: what a variant row must record to be up to date. */
export function presetSpecHashes(preset: Preset): Record<string, string> {
  return Object.fromEntries(preset.variants.map((spec) => [spec.name, variantSpecHash(spec)]));
}

/** One hash of a whole preset (its variants' spec hashes, by name): changes whenever any variant would render differently. */
export function presetSpecHash(preset: Preset): string {
  const hashes = Object.entries(presetSpecHashes(preset)).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(JSON.stringify(hashes)).digest('hex').slice(0, 12);
}
