/**
 * `npx tsx bench/qauto-calibrate.ts`: how `q_auto`'s levels compare with the fixed delivery quality, scored
 * by Debian's `butteraugli_main` (libjxl-devtools; its 3-norm) against the source resized by sharp to
 * the output's size. Photos (fixtures/images/photos/, or QAUTO_PHOTOS=dir) and the drawn graphics set
 * (bench/qauto-graphics.ts), at 3 widths × JPEG/WebP/AVIF. Prints, per set, level and format, the bytes
 * saved and the median and worst 3-norm beside the fixed quality's.
 * QAUTO_LIMIT=n takes the first n photos, QAUTO_STRIDE=n every nth (a short run over every kind); QAUTO_TARGETS='{"good":{"webp":0.03}}' tries other targets, QAUTO_CEILINGS='{"good":{"jpeg":85}}' other photo ceilings.
 * Scores are cached by output bytes in tmp/qauto-scores.json, so a rerun with new targets only scores
 * the outputs that changed.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEFAULT_QUALITY } from '@darkroom/core/delivery';
import { AUTO_QUALITY_TARGETS, encodeAutoQuality, type AutoQualityFormat, type AutoQualityLevel, type RawPixels } from '@darkroom/media';
import { encode } from '../packages/media/src/encode.js';
import sharp from 'sharp';
import { median } from '../test/support/flood.js';
import { graphicsSet } from './qauto-graphics.js';
import { ROOT } from './support.js';

const run = promisify(execFile);
const WIDTHS = [320, 640, 1280];
const FORMATS: AutoQualityFormat[] = ['jpeg', 'webp', 'avif'];
const LEVELS: AutoQualityLevel[] = ['eco', 'good', 'best'];
const TMP = join(ROOT, 'tmp', 'qauto');
const CACHE = join(ROOT, 'tmp', 'qauto-scores.json');
/** Today's default `q` of a URL with none, which q_auto is compared with. */
const FIXED_QUALITY = DEFAULT_QUALITY;
const overrides: Partial<Record<AutoQualityLevel, Partial<Record<AutoQualityFormat, number>>>> = JSON.parse(process.env.QAUTO_TARGETS ?? '{}');
const ceilings: Partial<Record<AutoQualityLevel, Partial<Record<AutoQualityFormat, number>>>> = JSON.parse(process.env.QAUTO_CEILINGS ?? '{}');

export interface Scored {
  bytes: number;
  score: number;
  quality: number;
  ms: number;
  encodes: number;
}
export interface Case {
  set: 'photos' | 'graphics';
  name: string;
  width: number;
  format: AutoQualityFormat;
  fixed: Scored;
  levels: Record<AutoQualityLevel, Scored>;
}

const scores: Record<string, number> = existsSync(CACHE) ? JSON.parse(readFileSync(CACHE, 'utf8')) : {};

/** butteraugli's 3-norm of `data` against the reference PNG (WebP and AVIF decoded to PNG first). */
async function butteraugli(referencePng: string, label: string, data: Buffer, format: AutoQualityFormat): Promise<number> {
  const key = `${label}:${createHash('sha1').update(data).digest('hex')}`;
  if (scores[key] !== undefined) return scores[key];
  const distorted = join(TMP, `distorted.${format === 'jpeg' ? 'jpg' : 'png'}`);
  writeFileSync(distorted, format === 'jpeg' ? data : await sharp(data).png().toBuffer());
  const { stdout } = await run('butteraugli_main', [referencePng, distorted, '--pnorm', '3']);
  const norm = /3-norm:\s*([\d.]+)/.exec(stdout);
  if (!norm) throw new Error(`butteraugli_main printed no 3-norm: ${stdout}`);
  scores[key] = Number(norm[1]);
  return scores[key];
}

async function sources(): Promise<{ set: Case['set']; name: string; input: Buffer | string }[]> {
  const dir = process.env.QAUTO_PHOTOS ?? join(ROOT, 'fixtures/images/photos');
  const limit = Number(process.env.QAUTO_LIMIT ?? Number.POSITIVE_INFINITY);
  const stride = Number(process.env.QAUTO_STRIDE ?? 1);
  const photos = readdirSync(dir)
    .filter((file) => /\.(jpe?g|png|tiff?|webp)$/i.test(file))
    .sort()
    .filter((_, i) => i % stride === 0)
    .slice(0, limit)
    .map((file) => ({ set: 'photos' as const, name: file, input: join(dir, file) }));
  const graphics = (await graphicsSet()).map(({ name, png }) => ({ set: 'graphics' as const, name, input: png }));
  return [...photos, ...graphics];
}

async function scoreCase(set: Case['set'], name: string, pixels: RawPixels, format: AutoQualityFormat, reference: string): Promise<Case> {
  let started = performance.now();
  // A fixed-quality render's encode, as the delivery makes it.
  const raw = sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: pixels.channels as 3 | 4 } });
  const fixedOut = await encode(raw, { format, quality: FIXED_QUALITY }).toBuffer({ resolveWithObject: true });
  const fixedMs = performance.now() - started;
  const fixed = {
    bytes: fixedOut.data.length,
    score: await butteraugli(reference, `${name}@${pixels.width}`, fixedOut.data, format),
    quality: FIXED_QUALITY,
    ms: fixedMs,
    encodes: 1,
  };
  const levels = {} as Record<AutoQualityLevel, Scored>;
  for (const level of LEVELS) {
    started = performance.now();
    const target = overrides[level]?.[format];
    const out = await encodeAutoQuality(pixels, format, level, { target, ceiling: ceilings[level]?.[format] });
    const ms = performance.now() - started;
    levels[level] = {
      bytes: out.data.length,
      score: await butteraugli(reference, `${name}@${pixels.width}`, out.data, format),
      quality: out.quality,
      ms,
      encodes: out.encodes,
    };
  }
  return { set, name, width: pixels.width, format, fixed, levels };
}

export const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const fmt = (value: number, digits = 2) => value.toFixed(digits);

export function report(cases: Case[]): void {
  for (const set of ['photos', 'graphics'] as const) {
    const ofSet = cases.filter((c) => c.set === set);
    if (ofSet.length === 0) continue;
    console.log(`\n${set} (${ofSet.length} outputs) — fixed q${FIXED_QUALITY} vs q_auto levels`);
    console.log('level format  saved%  median(fixed→auto)  max(fixed→auto)  worse-than-twin  quality(med)  ms(fixed→auto)');
    for (const level of LEVELS) {
      for (const format of [...FORMATS, 'all'] as const) {
        const rows = ofSet.filter((c) => format === 'all' || c.format === format);
        const saved = 1 - sum(rows.map((c) => c.levels[level].bytes)) / sum(rows.map((c) => c.fixed.bytes));
        const worse = rows.filter((c) => c.levels[level].score > c.fixed.score).length;
        console.log(
          `${level.padEnd(5)} ${format.padEnd(6)} ${fmt(saved * 100, 1).padStart(6)}  ${fmt(median(rows.map((c) => c.fixed.score)))}→${fmt(median(rows.map((c) => c.levels[level].score)))}` +
            `           ${fmt(Math.max(...rows.map((c) => c.fixed.score)))}→${fmt(Math.max(...rows.map((c) => c.levels[level].score)))}` +
            `        ${String(worse).padStart(3)}/${rows.length}          ${median(rows.map((c) => c.levels[level].quality))}` +
            `          ${fmt(median(rows.map((c) => c.fixed.ms)), 0)}→${fmt(median(rows.map((c) => c.levels[level].ms)), 0)}`,
        );
      }
    }
  }
}

/** Every source at every width and format: the fixed quality and each level, each output scored. */
export async function calibrate(): Promise<Case[]> {
  mkdirSync(TMP, { recursive: true });
  const cases: Case[] = [];
  for (const { set, name, input } of await sources()) {
    for (const width of WIDTHS) {
      const resized = sharp(input).rotate().toColourspace('srgb').resize({ width, withoutEnlargement: true }).removeAlpha();
      const { data, info } = await resized.raw().toBuffer({ resolveWithObject: true });
      if (info.width < width && width !== WIDTHS[0]) continue;
      const pixels = { data, width: info.width, height: info.height, channels: info.channels };
      const reference = join(TMP, 'reference.png');
      writeFileSync(
        reference,
        await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
          .png()
          .toBuffer(),
      );
      for (const format of FORMATS) cases.push(await scoreCase(set, name, pixels, format, reference));
    }
    process.stderr.write('.');
    writeFileSync(CACHE, JSON.stringify(scores));
  }
  writeFileSync(join(TMP, 'cases.json'), JSON.stringify(cases, null, 1));
  return cases;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log('targets', JSON.stringify({ ...AUTO_QUALITY_TARGETS, overrides, ceilings }));
  report(await calibrate());
}
