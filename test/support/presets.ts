import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageVariantSpec, VariantSpec, VideoVariantSpec } from '@darkroom/core/presets';

/** Writes a PRESETS_FILE for a harness: tests change presets through config, as a deployment would. */
export async function writePresetsFile(presets: Record<string, VariantSpec[]>): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'darkroom-presets-')), 'presets.json');
  const file = Object.fromEntries(Object.entries(presets).map(([name, variants]) => [name, { variants }]));
  await writeFile(path, JSON.stringify(file));
  return path;
}

export const spec = (
  name: string,
  fit: ImageVariantSpec['fit'],
  size: number,
  format: ImageVariantSpec['format'] | VideoVariantSpec['format'] = 'webp',
  quality = 80,
): ImageVariantSpec | VideoVariantSpec => ({
  name,
  fit,
  width: size,
  height: size,
  format,
  quality,
});
