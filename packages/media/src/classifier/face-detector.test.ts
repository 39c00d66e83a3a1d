import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BadMediaError } from '@darkroom/core/errors';
import { type FaceBox, MAX_FACES } from '@darkroom/core/contract/asset';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { forbidFetch } from './test-no-network.js';
import { iou, labelledFaces, PORTRAIT_PHOTO } from './test-faces.js';
import { CLEAN_PHOTOS, fixture, tempDir, writeBombPng } from '../test-fixtures.js';
import { loadExplicitClassifier } from './explicit-classifier.js';
import { detectFaces, detectFacesOfFile, type FaceDetector, faceBoxesOf, loadFaceDetector } from './face-detector.js';

const OPTIONS = { maxInputPixels: 100_000_000, timeoutSeconds: 30 };

/**
 * Group photos that ship inside @vladmandic/face-api (its MIT-licensed `demo/` folder), read from
 * the installed package, with the faces counted by eye: every face is frontal or three-quarter and
 * 50–70 px wide in the 640 px downscale.
 */
const DEMO = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
const GROUPS = [
  ['sample1.jpg', 3],
  ['sample2.jpg', 3],
  ['sample3.jpg', 3],
  ['sample4.jpg', 4],
  ['sample5.jpg', 5],
  ['sample6.jpg', 4],
] as const;

function expectWellFormed(boxes: FaceBox[]): void {
  for (const box of boxes) {
    for (const value of Object.values(box)) expect(value).toBeGreaterThanOrEqual(0);
    expect(box.width).toBeGreaterThan(0);
    expect(box.height).toBeGreaterThan(0);
    expect(box.x + box.width).toBeLessThanOrEqual(1 + 1e-9);
    expect(box.y + box.height).toBeLessThanOrEqual(1 + 1e-9);
    expect(box.score).toBeLessThanOrEqual(1);
  }
  const areas = boxes.map((b) => b.width * b.height);
  expect(areas).toEqual([...areas].sort((a, b) => b - a));
}

describe('the face detector', () => {
  const fetched = forbidFetch();
  let detector: FaceDetector;

  beforeAll(async () => {
    detector = await loadFaceDetector();
  });

  it('loads SSD MobileNet v1 from the package into the one TensorFlow.js, on wasm, fetching nothing', async () => {
    expect(fetched).toEqual([]);
    expect(detector.tf.getBackend()).toBe('wasm');
    // face-api's weights are in the one engine (only its model is loaded yet), and the classifier
    // loads beside it into the same engine.
    const faceTensors = detector.tf.memory().numTensors;
    expect(faceTensors).toBeGreaterThan(100);
    const classifier = await loadExplicitClassifier();
    expect(classifier.tf).toBe(detector.tf);
    expect(detector.tf.memory().numTensors).toBeGreaterThan(faceTensors);
    expect(await loadFaceDetector()).toBe(detector);
  });

  it('finds at least 90 % of the faces of the group photos, and nothing else', async () => {
    const rows: string[] = [];
    let found = 0;
    for (const [name, count] of GROUPS) {
      const boxes = await detectFacesOfFile(join(DEMO, name), OPTIONS);
      rows.push(`${name}: ${boxes.length}/${count} ${boxes.map((b) => `${b.score.toFixed(2)}@${b.width.toFixed(3)}`).join(' ')}`);
      expectWellFormed(boxes);
      expect(boxes.length, name).toBeLessThanOrEqual(count);
      found += boxes.length;
      // Each face is 50-70 px wide of 640: a box across a fifth of the photo or more is not one of them.
      for (const box of boxes) expect(box.width).toBeLessThan(0.2);
    }
    console.log(`faces found:\n${rows.join('\n')}`);
    const faces = GROUPS.reduce((sum, [, count]) => sum + count, 0);
    expect(found / faces).toBeGreaterThanOrEqual(0.9);
  });

  it('finds the face of a labelled portrait where it was marked', async () => {
    const [marked] = labelledFaces(PORTRAIT_PHOTO);
    const boxes = await detectFacesOfFile(PORTRAIT_PHOTO, OPTIONS);
    expect(boxes).toHaveLength(1);
    expect(iou(boxes[0]!, marked!)).toBeGreaterThan(0.5);
  });

  it('finds no face in the photos without one (nor the CMYK photo’s child, 18 px wide: under what is counted)', async () => {
    for (const name of [...CLEAN_PHOTOS, 'Landscape_1.jpg', '320x240.jpg', 'iphone_13_pro_max.HEIC']) {
      expect(await detectFacesOfFile(fixture(name), OPTIONS), name).toEqual([]);
    }
  });

  it('searches the image as displayed: a photo stored on its side (EXIF 6) gives the upright boxes', async () => {
    const upright = await detectFacesOfFile(join(DEMO, 'sample4.jpg'), OPTIONS);
    const sideways = join(await tempDir(), 'sideways.jpg');
    // Stored rotated a quarter turn anticlockwise, with Orientation 6 saying to turn it back.
    await sharp(join(DEMO, 'sample4.jpg')).rotate(-90).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toFile(sideways);
    const found = await detectFacesOfFile(sideways, OPTIONS);
    expect(found).toHaveLength(upright.length);
    for (const box of upright) expect(Math.max(...found.map((f) => iou(f, box)))).toBeGreaterThan(0.8);
  });

  it('gives decoded pixels, RGB or RGBA, the boxes the file path gives', async () => {
    const fromFile = await detectFacesOfFile(join(DEMO, 'sample1.jpg'), OPTIONS);
    const { data, info } = await sharp(join(DEMO, 'sample1.jpg')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const rgb = { data, width: info.width, height: info.height, channels: 3 as const };
    const fromPixels = await detectFaces(rgb);
    expect(fromPixels).toHaveLength(fromFile.length);
    for (const box of fromFile) expect(Math.max(...fromPixels.map((f) => iou(f, box)))).toBeGreaterThan(0.9);
    const rgba = await sharp(data, { raw: rgb }).ensureAlpha().raw().toBuffer();
    expect(await detectFaces({ ...rgb, data: rgba, channels: 4 })).toEqual(fromPixels);
  });

  it('refuses what the render refuses, before decoding it', async () => {
    const bomb = join(await tempDir(), 'bomb.png');
    await writeBombPng(bomb, 20_000, 20_000);
    const error = await detectFacesOfFile(bomb, OPTIONS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadMediaError);
    expect((error as BadMediaError).code).toBe('too_many_pixels');
  });

  it('leaves no tensor behind', async () => {
    const file = join(DEMO, 'sample2.jpg');
    await detectFacesOfFile(file, OPTIONS);
    const before = detector.tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await detectFacesOfFile(file, OPTIONS);
    expect(detector.tf.memory().numTensors).toBe(before);
  });
});

describe('faceBoxesOf', () => {
  it('clips boxes to the image, drops empty ones, sorts the largest first and keeps MAX_FACES', () => {
    const detections = [
      { score: 0.9, box: { x: 10, y: 10, width: 20, height: 20 } },
      { score: 0.5, box: { x: -20, y: 80, width: 60, height: 40 } },
      { score: 0.7, box: { x: 250, y: 10, width: 10, height: 10 } },
    ];
    expect(faceBoxesOf(detections, 200, 100)).toEqual([
      { x: 0, y: 0.8, width: 0.2, height: 0.2, score: 0.5 },
      { x: 0.05, y: 0.1, width: 0.1, height: 0.2, score: 0.9 },
    ]);
    const many = Array.from({ length: MAX_FACES + 5 }, (_, i) => ({ score: 0.9, box: { x: i, y: 0, width: 1 + i, height: 1 } }));
    const kept = faceBoxesOf(many, 1000, 1000);
    expect(kept).toHaveLength(MAX_FACES);
    expect(kept[0]!.x).toBe(0.104);
  });
});
