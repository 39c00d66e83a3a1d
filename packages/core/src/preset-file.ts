import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AUTO_QUALITIES } from './delivery-grammar.js';
import { VARIANT_BOX, type VariantBox } from './limits.js';
import {
  AUDIO_FORMATS,
  DEFAULT_WAVEFORM_POINTS,
  IMAGE_FORMATS,
  PRESETS,
  RENDITION_FORMATS,
  STORYBOARD_TILE_WIDTH,
  type ImageVariantQuality,
  type Preset,
  type PresetRegistry,
} from './presets.js';

// Names end up in object keys (`<variant>-<hash>.<format>`) and URLs: keep them plain.
export const PRESET_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const NAME = PRESET_NAME;

const variantName = () => z.string().min(1).max(32).regex(NAME, 'use lower-case letters, digits, "-" and "_"');

/** Audio variants: a rendition (`bitrate` kbit/s, `loudness` LUFS to normalise to) or waveform peaks (`points` per second). */
export const audioVariantSchemas = () =>
  [
    z.strictObject({
      name: variantName(),
      format: z.enum(AUDIO_FORMATS),
      bitrate: z.number().int().min(32).max(320).optional().describe('kbit/s'),
      loudness: z
        .number()
        .min(-30)
        .max(-10)
        .optional()
        .describe('LUFS, integrated: the rendition is normalised to it (two-pass, true peak ≤ -1 dBTP)'),
    }),
    z.strictObject({
      name: variantName(),
      format: z.literal('waveform'),
      points: z.number().int().min(1).max(100).optional().describe(`Peaks per second (default ${DEFAULT_WAVEFORM_POINTS})`),
    }),
  ] as const;

/**
 * A preset variant as configuration or a tenant gives it: an image format with the box and quality
 * (a number, or a `q_auto` word: `imageQuality`), a video format with the same plus `maxDuration` (seconds, a clip from the start) and `audio: false`,
 * `hls` (a ladder inside the box: no `fit`, optional `quality`, `segmentSeconds` 2..10),
 * `storyboard` (scrub previews: only a tile `width`, within its own bounds), or an audio format
 * (`audioVariantSchemas`).
 * The presets file, a tenant's preset route and a stored preset's reader use this, each with its box
 * (limits.ts says why they differ); the presets file fills in `defaultQuality` where a variant gives none.
 */
export function variantSpecSchema(box: VariantBox, defaultQuality?: number) {
  const common = {
    name: variantName(),
    fit: z.enum(['cover', 'inside']),
    width: z.number().int().min(box.min).max(box.max),
    height: z.number().int().min(box.min).max(box.max),
  };
  const noDefault = defaultQuality === undefined;
  const imageQ: z.ZodType<ImageVariantQuality> = noDefault ? imageQuality() : imageQuality().default(defaultQuality);
  const videoQ: z.ZodType<number> = noDefault ? encoderQuality() : encoderQuality().default(defaultQuality);
  const image = z.strictObject({ ...common, quality: imageQ, format: z.enum(IMAGE_FORMATS) });
  const video = z.strictObject({
    ...common,
    quality: videoQ,
    format: z.enum(RENDITION_FORMATS),
    maxDuration: z.number().positive().max(86_400).optional().describe('Seconds from the start: a preview clip'),
    audio: z.boolean().optional().describe('`false`: the rendition has no sound'),
  });
  const { min, max } = STORYBOARD_TILE_WIDTH;
  const storyboard = z.strictObject({
    name: common.name,
    format: z.literal('storyboard'),
    width: z.number().int().min(min).max(max).default(STORYBOARD_TILE_WIDTH.default).describe('Of one tile, in pixels'),
  });
  const hls = z.strictObject({
    name: common.name,
    format: z.literal('hls'),
    width: common.width,
    height: common.height,
    quality: encoderQuality().default(HLS_DEFAULT_QUALITY),
    segmentSeconds: z.number().int().min(2).max(10).optional().describe('Target length of a segment in seconds (default 4)'),
    audio: z.boolean().optional().describe('`false`: the ladder has no sound'),
  });
  return z.discriminatedUnion('format', [image, video, hls, storyboard, ...audioVariantSchemas()]);
}

/** An `hls` variant's quality when it gives none: the default preset's renditions' quality. */
export const HLS_DEFAULT_QUALITY = 70;

const encoderQuality = () => z.number().int().min(1).max(100);

/** An image variant's quality: 1..100, or a `q_auto` word (delivery-grammar.ts), searched per image as delivery's `q_auto` is. */
const imageQuality = () =>
  z
    .union([encoderQuality(), z.enum(AUTO_QUALITIES)], { error: `a whole number from 1 to 100, or one of ${AUTO_QUALITIES.join(', ')}` })
    .describe("1..100, or `auto` (= `auto-good`), `auto-eco`, `auto-best`: the lowest quality within the level's perceptual distance, per image");

const fileVariantSpecSchema = variantSpecSchema(VARIANT_BOX, 80);

const presetSchema = z.strictObject({
  variants: z
    .array(fileVariantSpecSchema)
    .min(1)
    .refine((specs) => new Set(specs.map((s) => s.name)).size === specs.length, 'variant names must be unique within a preset'),
});

/** `{ "<preset>": { "variants": [VariantSpec, …] } }`: presets to add, or to replace whole by name. */
export const presetFileSchema = z.record(z.string(), presetSchema).superRefine((presets, ctx) => {
  for (const name of Object.keys(presets)) {
    if (name.length > 64 || !NAME.test(name)) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'preset names use lower-case letters, digits, "-" and "_" (at most 64)' });
    }
  }
});

/** The built-in presets with a presets file's entries on top (a same-named preset is replaced, not merged). */
export function parsePresetFile(json: unknown): PresetRegistry {
  const parsed = presetFileSchema.parse(json);
  const extra = Object.entries(parsed).map(([name, p]): [string, Preset] => [name, { name, variants: p.variants }]);
  return { ...PRESETS, ...Object.fromEntries(extra) };
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || '(file)'}: ${i.message}`).join('; ');
}

/**
 * The PRESETS_FILE setting: unset gives the built-in presets; a path is read and validated at
 * boot, so a bad file stops the app there (naming the variable) instead of failing jobs later.
 */
export function presetsFileSetting() {
  return z
    .string()
    .optional()
    .transform((path, ctx): PresetRegistry => {
      if (!path) return PRESETS;
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(path, 'utf8'));
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `could not read "${path}" as JSON: ${(error as Error).message}` });
        return z.NEVER;
      }
      try {
        return parsePresetFile(json);
      } catch (error) {
        const detail = error instanceof z.ZodError ? describeIssues(error) : (error as Error).message;
        ctx.addIssue({ code: 'custom', message: `"${path}" is not a valid presets file: ${detail}` });
        return z.NEVER;
      }
    });
}
