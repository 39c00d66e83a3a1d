import { createHash } from 'node:crypto';
import type { AssetKind } from './content-types.js';
import type { FaceRedaction } from './delivery.js';
import { canonicalQuality, type AutoQuality } from './delivery-grammar.js';

export const IMAGE_FORMATS = ['webp', 'avif', 'jpeg', 'png'] as const;
/** Video renditions: `mp4` is H.264/AAC with `+faststart`, `webm` is VP9/Opus. */
export const RENDITION_FORMATS = ['mp4', 'webm'] as const;
/** What a video renders and an image skips: renditions, `hls` (an adaptive ladder) and `storyboard` (scrub previews). */
export const VIDEO_FORMATS = [...RENDITION_FORMATS, 'hls', 'storyboard'] as const;
/** Audio renditions: `m4a` is AAC in MP4, `mp3` MP3, `opus` Opus in Ogg. */
export const AUDIO_FORMATS = ['m4a', 'mp3', 'opus'] as const;
export type ImageVariantFormat = (typeof IMAGE_FORMATS)[number];
export type VideoVariantFormat = (typeof RENDITION_FORMATS)[number];
export type AudioVariantFormat = (typeof AUDIO_FORMATS)[number];

/**
 * One image output of a preset. `fit` follows sharp: `cover` crops to fill the box, `inside` keeps the whole image.
 * `quality` is an encoder quality, or a `q_auto` word: each image's own, searched as delivery's `q_auto` is.
 */
export interface ImageVariantSpec {
  name: string;
  fit: 'cover' | 'inside';
  width: number;
  height: number;
  format: ImageVariantFormat;
  quality: ImageVariantQuality;
}

/** An image variant's quality: 1..100, or a `q_auto` word (`auto` is `auto-good`). */
export type ImageVariantQuality = number | AutoQuality;

/**
 * One video rendition of a preset: the box and quality as for images (quality is CRF-like, higher
 * is better), `maxDuration` seconds from the start (a preview clip) and `audio: false` to drop sound.
 */
export interface VideoVariantSpec {
  name: string;
  fit: 'cover' | 'inside';
  width: number;
  height: number;
  format: VideoVariantFormat;
  quality: number;
  maxDuration?: number | undefined;
  audio?: boolean | undefined;
}

/**
 * One audio rendition of a preset: `bitrate` in kbit/s (32..320), and `loudness` (LUFS, -30..-10)
 * to normalise it to, two-pass with true peak at most -1 dBTP; without it the level is kept.
 */
export interface AudioVariantSpec {
  name: string;
  format: AudioVariantFormat;
  bitrate?: number | undefined;
  loudness?: number | undefined;
}

/** Waveform peaks of an audio asset as JSON (the audiowaveform format): `points` per second, 1..100 (default 10). */
export interface WaveformVariantSpec {
  name: string;
  format: 'waveform';
  points?: number | undefined;
}

/** Bitrate of an audio rendition when its spec gives none, and the waveform's points per second. */
export const DEFAULT_AUDIO_BITRATE = 128;
export const DEFAULT_WAVEFORM_POINTS = 10;

/**
 * Scrub previews of a video: one WebP sprite of at most `STORYBOARD_MAX_TILES` frames, evenly
 * spaced, each `width` pixels wide (default `STORYBOARD_TILE_WIDTH`), and a WebVTT file whose cues
 * point into it. No box, fit or quality of its own.
 */
export interface StoryboardVariantSpec {
  name: string;
  format: 'storyboard';
  fit?: undefined;
  /** Of one tile; the presets' schema fills in `STORYBOARD_TILE_WIDTH.default`. */
  width: number;
  height?: undefined;
  quality?: undefined;
}

export const STORYBOARD_TILE_WIDTH = { default: 160, min: 32, max: 640 } as const;
export const STORYBOARD_MAX_TILES = 100;

/**
 * An adaptive ladder (HLS) of a video: rungs at 1080, 720, 480, 360 and 240 lines inside the box,
 * `segmentSeconds` (2..10, default 4) long segments, `audio: false` to drop sound. No `fit`: a
 * ladder is always the whole frame.
 */
export interface HlsVariantSpec {
  name: string;
  format: 'hls';
  fit?: undefined;
  width: number;
  height: number;
  quality: number;
  segmentSeconds?: number | undefined;
  audio?: boolean | undefined;
}

/** One output of a preset; which kinds of asset render it is `specAppliesTo`'s rule. */
export type VariantSpec = ImageVariantSpec | VideoVariantSpec | HlsVariantSpec | StoryboardVariantSpec | AudioVariantSpec | WaveformVariantSpec;

/** A spec only videos render (a rendition, a ladder or a storyboard); images skip it. */
export function isVideoSpec(spec: VariantSpec): spec is VideoVariantSpec | HlsVariantSpec | StoryboardVariantSpec {
  return (VIDEO_FORMATS as readonly string[]).includes(spec.format);
}

export function isRenditionSpec(spec: VariantSpec): spec is VideoVariantSpec {
  return (RENDITION_FORMATS as readonly string[]).includes(spec.format);
}

export function isHlsSpec(spec: VariantSpec): spec is HlsVariantSpec {
  return spec.format === 'hls';
}

export function isStoryboardSpec(spec: VariantSpec): spec is StoryboardVariantSpec {
  return spec.format === 'storyboard';
}

export function isImageSpec(spec: VariantSpec): spec is ImageVariantSpec {
  return (IMAGE_FORMATS as readonly string[]).includes(spec.format);
}

/** An audio rendition (`m4a`, `mp3`, `opus`). */
export function isAudioRenditionSpec(spec: VariantSpec): spec is AudioVariantSpec {
  return (AUDIO_FORMATS as readonly string[]).includes(spec.format);
}

export function isWaveformSpec(spec: VariantSpec): spec is WaveformVariantSpec {
  return spec.format === 'waveform';
}

/** Whether a spec is rendered from audio only: an audio rendition or a waveform. */
export function isAudioSpec(spec: VariantSpec): spec is AudioVariantSpec | WaveformVariantSpec {
  return isAudioRenditionSpec(spec) || isWaveformSpec(spec);
}

/**
 * The one rule of which formats an asset of a kind renders. Image formats apply to every kind (an
 * image itself, a video's poster frame, an audio file's cover art: none, no variant); audio formats
 * to audio only; every other format (the video ones) to video only. Skipped specs are no error.
 */
export function specAppliesTo(spec: VariantSpec, kind: AssetKind): boolean {
  if (isImageSpec(spec)) return true;
  if (isAudioSpec(spec)) return kind === 'audio';
  return kind === 'video';
}

/** The specs of a preset that an asset of this kind renders (`specAppliesTo`). */
export function specsForKind(specs: readonly VariantSpec[], kind: AssetKind): VariantSpec[] {
  return specs.filter((spec) => specAppliesTo(spec, kind));
}

export interface Preset {
  name: string;
  variants: readonly VariantSpec[];
}

const webp = (name: string, fit: ImageVariantSpec['fit'], size: number, quality = 80): ImageVariantSpec => ({
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
      // Videos only: images skip it, and for a video the four above are its poster.
      { name: '720p', fit: 'inside', width: 1280, height: 720, format: 'mp4', quality: 70 },
      // Its 720-line rung is the 720p rendition's picture: encoded once for both.
      { name: 'stream', format: 'hls', width: 1920, height: 1080, quality: 70 },
      { name: 'storyboard', format: 'storyboard', width: STORYBOARD_TILE_WIDTH.default },
      // Audio only; for audio the four image variants are its cover art (none: no such variants).
      { name: 'podcast', format: 'm4a', bitrate: 96, loudness: -16 },
      { name: 'waveform', format: 'waveform', points: DEFAULT_WAVEFORM_POINTS },
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
  if (isAudioSpec(spec)) return shortHash([RENDERER_VERSION, spec.name, spec.format, ...audioSpecFields(spec)]);
  // `auto` and `auto-good` are one render, so one hash; a number hashes as it always did.
  const quality = isImageSpec(spec) ? canonicalQuality(spec.quality) : spec.quality;
  const fields: unknown[] = [RENDERER_VERSION, spec.name, spec.fit, spec.width, spec.height, spec.format, quality];
  // Appended only for video specs, so every image spec keeps the hash (and URL) it always had.
  if (isRenditionSpec(spec)) fields.push(spec.maxDuration ?? null, spec.audio ?? true);
  if (isHlsSpec(spec)) fields.push(spec.segmentSeconds ?? null, spec.audio ?? true);
  return shortHash(fields);
}

/** An audio spec's settings with their defaults filled in, so an omitted default hashes as the value it means. */
function audioSpecFields(spec: AudioVariantSpec | WaveformVariantSpec): unknown[] {
  if (isWaveformSpec(spec)) return [spec.points ?? DEFAULT_WAVEFORM_POINTS];
  return [spec.bitrate ?? DEFAULT_AUDIO_BITRATE, spec.loudness ?? null];
}

const shortHash = (fields: unknown[]) => createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 12);

/**
 * What an image variant's render makes of one source, as @darkroom/media plans it (`outputPlan`):
 * `fit` as rendered (a `cover` box that keeps the whole source renders as `inside` does), the
 * output size, the format, and the quality (null for a format that has none: PNG is lossless; a
 * `q_auto` word is written `auto-<level>`, as the search it stands for finds one number per source).
 */
export interface VariantOutput {
  fit: ImageVariantSpec['fit'];
  width: number;
  height: number;
  format: ImageVariantFormat;
  quality: ImageVariantQuality | null;
  /** The face redaction its pixels carry (a tenant policy's `enforceFaceRedaction`); absent or null: none. */
  redaction?: FaceRedaction | null | undefined;
}

/**
 * A short, stable hash of what an image variant's bytes are for one source: its output plan and the
 * renderer version. Two specs of an asset with the same hash come out as the same bytes (a photo
 * smaller than the `small`, `medium` and `large` boxes is the same picture three times; a 4:3 cover
 * box on a 4:3 photo is the `inside` picture of that size), so they are encoded once and stored once.
 */
export function variantOutputHash(output: VariantOutput): string {
  const fields: unknown[] = [RENDERER_VERSION, output.fit, output.width, output.height, output.format, output.quality];
  // Appended only when set, so every unredacted variant keeps the hash (and URL) it always had; a
  // redacted one gets a URL of its own, which no CDN can hold the unredacted bytes of.
  if (output.redaction) fields.push(output.redaction);
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 12);
}

/** `{ variant name: spec hash }` of a preset: what a variant row must record to be up to date. */
export function presetSpecHashes(preset: Preset): Record<string, string> {
  return Object.fromEntries(preset.variants.map((spec) => [spec.name, variantSpecHash(spec)]));
}

/**
 * What makes an asset's variants stale under a preset: `{ variant name: spec hash }`, and which of
 * those names are video renditions and which audio ones (only assets of that kind have those to be stale). The API hands
 * this to @darkroom/db's stale-variant queries and stores it on a backfill.
 */
export function presetStaleScope(preset: Preset): { specHashes: Record<string, string>; videoVariants: string[]; audioVariants: string[] } {
  const names = (test: (spec: VariantSpec) => boolean) => preset.variants.filter(test).map((s) => s.name);
  // Every format that is neither image nor audio is a video one (`specAppliesTo`).
  return {
    specHashes: presetSpecHashes(preset),
    videoVariants: names((s) => specAppliesTo(s, 'video') && !isImageSpec(s)),
    audioVariants: names(isAudioSpec),
  };
}

/** One hash of a whole preset (its variants' spec hashes, by name): changes whenever any variant would render differently. */
export function presetSpecHash(preset: Preset): string {
  const hashes = Object.entries(presetSpecHashes(preset)).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(JSON.stringify(hashes)).digest('hex').slice(0, 12);
}
