import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadMediaError } from '@darkroom/core/errors';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { forbidFetch } from './test-no-network.js';
import { CLEAN_PHOTOS, fixture, meanAbsDiff, tempDir, writeBombPng } from '../test-fixtures.js';
import { CLASSIFIER_INPUT_SIZE, classifierInputOfFile } from './classifier-input.js';
import {
  CLASSIFIER_CLASSES,
  EXPLICIT_CLASSES,
  type ExplicitClassifier,
  type ExplicitScore,
  explicitScore,
  explicitScoreOfFile,
  explicitScoreOfFrames,
  loadExplicitClassifier,
} from './explicit-classifier.js';

const OPTIONS = { maxInputPixels: 100_000_000, timeoutSeconds: 30 };
/** The distinct clean photos, and the iPhone's HEIC through its own decoder. */
const PHOTOS = [...CLEAN_PHOTOS, 'iphone_13_pro_max.HEIC'];

function expectWellFormed(result: ExplicitScore): void {
  expect(Object.keys(result.classes).sort()).toEqual([...CLASSIFIER_CLASSES].sort());
  for (const p of Object.values(result.classes)) expect(p).toBeGreaterThanOrEqual(0);
  expect(Object.values(result.classes).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  expect(result.score).toBe(Math.max(...EXPLICIT_CLASSES.map((name) => result.classes[name]!)));
}

/** A fixture decoded as displayed, at its own size, the way a worker holds a frame. */
async function decoded(name: string) {
  const { data, info } = await sharp(fixture(name), { autoOrient: true }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 as const };
}

describe('the explicit-content classifier', () => {
  const fetched = forbidFetch();
  let classifier: ExplicitClassifier;

  beforeAll(async () => {
    classifier = await loadExplicitClassifier();
  });

  it('loads MobileNetV2 from the package on the single-threaded WebAssembly backend, fetching nothing', async () => {
    expect(fetched).toEqual([]);
    expect(classifier.tf.getBackend()).toBe('wasm');
    expect(getThreadsCount()).toBe(1);
    // Once per process: every caller gets the same model.
    expect(await loadExplicitClassifier()).toBe(classifier);
  });

  it('names the classes in the order of the model’s outputs', async () => {
    const { data } = await classifierInputOfFile(fixture('jolla.jpg'), OPTIONS);
    const input = classifier.tf.tensor3d(new Uint8Array(data), [CLASSIFIER_INPUT_SIZE, CLASSIFIER_INPUT_SIZE, 3], 'int32');
    const named = await classifier.model.classify(input, CLASSIFIER_CLASSES.length);
    input.dispose();
    const ours = await explicitScoreOfFile(fixture('jolla.jpg'), OPTIONS);
    for (const { className, probability } of named) expect(ours.classes[className]).toBeCloseTo(probability, 6);
  });

  it('scores every distinct clean photo of the fixtures, each well formed', async () => {
    const rows: string[] = [];
    for (const name of PHOTOS) {
      const result = await explicitScoreOfFile(fixture(name), OPTIONS);
      expectWellFormed(result);
      const classes = Object.entries(result.classes).map(([c, p]) => `${c} ${p.toFixed(3)}`);
      rows.push(`${name.padEnd(40)} score ${result.score.toFixed(3)}  ${classes.join('  ')}`);
    }
    console.log(`explicit scores of the clean fixtures:\n${rows.join('\n')}`);
  });

  it('gives the same score for the same file, every time', async () => {
    const first = await explicitScoreOfFile(fixture('DSCN0010.jpg'), OPTIONS);
    const second = await explicitScoreOfFile(fixture('DSCN0010.jpg'), OPTIONS);
    expect(second).toEqual(first);
  });

  it('looks at the image as displayed: the 8 EXIF orientations of one photo give the model one input', async () => {
    const upright = (await classifierInputOfFile(fixture('Landscape_1.jpg'), OPTIONS)).data;
    const diffs: number[] = [];
    for (let o = 2; o <= 8; o++) diffs.push(meanAbsDiff((await classifierInputOfFile(fixture(`Landscape_${o}.jpg`), OPTIONS)).data, upright));
    // What a classifier that forgot the orientation would see: the photo on its side.
    const stored = await sharp(fixture('Landscape_6.jpg'), { autoOrient: false })
      .resize(CLASSIFIER_INPUT_SIZE, CLASSIFIER_INPUT_SIZE, { fit: 'fill' })
      .raw()
      .toBuffer();
    const sideways = meanAbsDiff(stored, upright);
    console.log(`orientation: mean |diff| to upright ${diffs.map((d) => d.toFixed(1)).join(', ')}; unrotated ${sideways.toFixed(1)}`);
    for (const diff of diffs) expect(diff).toBeLessThan(sideways / 3);
  });

  it('scores decoded pixels of any size, RGB or RGBA, as the file path does', async () => {
    const fromFile = await explicitScoreOfFile(fixture('Landscape_1.jpg'), OPTIONS);
    const rgb = await decoded('Landscape_1.jpg');
    const fromPixels = await explicitScore(rgb);
    expectWellFormed(fromPixels);
    expect(fromPixels.score).toBeCloseTo(fromFile.score, 2);
    const rgba = await sharp(rgb.data, { raw: rgb }).ensureAlpha().raw().toBuffer();
    expect(await explicitScore({ ...rgb, data: rgba, channels: 4 })).toEqual(fromPixels);
  });

  it('scores a video’s sampled frames by the highest', async () => {
    const frames = await Promise.all(['Landscape_1.jpg', 'jolla.jpg', 'DSCN0010.jpg', '320x240.jpg', 'HMD_Nokia_8.3_5G.jpg'].map(decoded));
    const each = await Promise.all(frames.map((frame) => explicitScore(frame)));
    const video = await explicitScoreOfFrames(frames);
    expect(video.frames).toBe(5);
    expect(video.score).toBe(Math.max(...each.map((r) => r.score)));
    await expect(explicitScoreOfFrames([])).rejects.toThrow(/no frame/);
  });

  it('refuses what the render refuses, before decoding it', async () => {
    const bomb = join(await tempDir(), 'bomb.png');
    await writeBombPng(bomb, 20_000, 20_000);
    const error = await explicitScoreOfFile(bomb, OPTIONS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadMediaError);
    expect((error as BadMediaError).code).toBe('too_many_pixels');
    const text = join(await tempDir(), 'notes.jpg');
    await writeFile(text, 'not an image');
    await expect(explicitScoreOfFile(text, OPTIONS)).rejects.toBeInstanceOf(BadMediaError);
  });

  it('leaves no tensor behind', async () => {
    const frame = await decoded('320x240.jpg');
    await explicitScore(frame);
    const before = classifier.tf.memory().numTensors;
    for (let i = 0; i < 20; i++) await explicitScore(frame);
    for (let i = 0; i < 3; i++) await explicitScoreOfFile(fixture('320x240.jpg'), OPTIONS);
    expect(classifier.tf.memory().numTensors).toBe(before);
  });
});
