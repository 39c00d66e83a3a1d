import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isImageSpec, PRESETS, type ImageVariantSpec } from '@darkroom/core/presets';
import sharp from 'sharp';
import { ROOT } from './support.js';

const DIR = join(tmpdir(), 'darkroom-bench-inputs');
const SOURCES = ['HMD_Nokia_8.3_5G.jpg', 'jolla.jpg'].map((name) => join(ROOT, 'fixtures/images', name));

export interface BenchInput {
  path: string;
  bytes: number;
  megapixels: number;
}

/** Photos shaped like a phone or camera's: 4:3, `megapixels`, quality 90; every third one rotated by EXIF. */
async function cameraJpeg(index: number, megapixels: number, path: string): Promise<void> {
  const width = Math.round(Math.sqrt((megapixels * 1e6 * 4) / 3));
  const height = Math.round((width * 3) / 4);
  let pipeline = sharp(SOURCES[index % SOURCES.length]!)
    .resize(width, height, { fit: 'cover' })
    .jpeg({ quality: 90 });
  if (index % 3 === 0) pipeline = pipeline.withMetadata({ orientation: 6 });
  await pipeline.toFile(path);
}

async function describe(path: string): Promise<BenchInput> {
  const meta = await sharp(path).metadata();
  return { path, bytes: (await stat(path)).size, megapixels: ((meta.width ?? 0) * (meta.height ?? 0)) / 1e6 };
}

/** `count` camera JPEGs of 8–24 MP, made once from the fixtures and kept in the temp dir for later runs. */
export async function cameraPhotos(count = 24): Promise<BenchInput[]> {
  await mkdir(DIR, { recursive: true });
  const inputs: BenchInput[] = [];
  for (let i = 0; i < count; i++) {
    const megapixels = 8 + (i % 9) * 2;
    const path = join(DIR, `camera-${i}-${megapixels}mp.jpg`);
    if (!existsSync(path)) await cameraJpeg(i, megapixels, path);
    inputs.push(await describe(path));
  }
  return inputs;
}

/**
 * `count` mid-size JPEGs of 3–8 MP (what phones and cameras send once a browser has resized them):
 * where a job's fixed cost shows against its render.
 */
export async function midSizePhotos(count = 24): Promise<BenchInput[]> {
  await mkdir(DIR, { recursive: true });
  const inputs: BenchInput[] = [];
  for (let i = 0; i < count; i++) {
    const megapixels = 3 + (i % 6);
    const path = join(DIR, `mid-${i}-${megapixels}mp.jpg`);
    if (!existsSync(path)) await cameraJpeg(i, megapixels, path);
    inputs.push(await describe(path));
  }
  return inputs;
}

/** A 100 MP JPEG and a 100 MP PNG (just under MAX_INPUT_PIXELS), for the memory run. */
export async function hundredMegapixel(): Promise<BenchInput[]> {
  await mkdir(DIR, { recursive: true });
  const [width, height] = [11_540, 8_660];
  const jpeg = join(DIR, 'huge-100mp.jpg');
  const png = join(DIR, 'huge-100mp.png');
  if (!existsSync(jpeg)) await sharp(SOURCES[0]!).resize(width, height, { fit: 'cover' }).jpeg({ quality: 90 }).toFile(jpeg);
  if (!existsSync(png)) await sharp(SOURCES[1]!).resize(width, height, { fit: 'cover' }).png({ compressionLevel: 6 }).toFile(png);
  return [await describe(jpeg), await describe(png)];
}

/**
 * The default preset's image variants as bare sharp calls: the same boxes, fits and WebP settings
 * (its video rendition is not one: an image job skips it).
 */
export const DEFAULT_SPECS: readonly FixedImageSpec[] = PRESETS.default!.variants.filter(
  (spec): spec is FixedImageSpec => isImageSpec(spec) && typeof spec.quality === 'number',
);

/** An image spec of a fixed quality: what one bare sharp call makes (a `q_auto` word takes the worker's search). */
export type FixedImageSpec = ImageVariantSpec & { quality: number };

/** Every spec's WebP of `input` (a path or the file's bytes), one after another. */
export async function bareVariants(input: string | Buffer, specs: readonly FixedImageSpec[]): Promise<Buffer[]> {
  const outputs: Buffer[] = [];
  for (const spec of specs) {
    outputs.push(
      await sharp(input, { failOn: 'error' })
        .rotate()
        .resize(spec.width, spec.height, { fit: spec.fit, withoutEnlargement: true })
        .webp({ quality: spec.quality })
        .toBuffer(),
    );
  }
  return outputs;
}

async function bareRender(path: string, specs: readonly FixedImageSpec[]): Promise<number> {
  return (await bareVariants(path, specs)).reduce((bytes, out) => bytes + out.length, 0);
}

/**
 * The baseline for worker throughput: the same variants of the same files with nothing but sharp,
 * `parallel` files at a time from local disk (no queue, no storage, no database).
 */
export async function bareSharpLoop(inputs: readonly BenchInput[], parallel: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < inputs.length) await bareRender(inputs[next++]!.path, DEFAULT_SPECS);
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return performance.now() - started;
}

/** How long sharp alone takes to render one file's variants (the floor for complete→ready). */
export async function bareRenderMs(path: string): Promise<number> {
  const started = performance.now();
  await bareRender(path, DEFAULT_SPECS);
  return performance.now() - started;
}
