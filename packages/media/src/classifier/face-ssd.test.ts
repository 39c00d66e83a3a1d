import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Tensor3D } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFaceDetector } from './face-detector.js';
import { faceInputOfFile, paddedTo } from './face-input.js';
import { type Detection, type SsdParams, ssdDetections } from './face-ssd.js';
import { type RgbImage, ssdFrame } from './ssd-input.js';
import { type FaceDetector, iou } from './face-verify.js';
import { fixture } from '../test-fixtures.js';
import { PORTRAIT_PHOTO } from './test-faces.js';

const DEMO = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
/** Group photos (landscape), a portrait (upright) and a photo without a face, where SSD still scores a few boxes low. */
const PHOTOS = [join(DEMO, 'sample1.jpg'), join(DEMO, 'sample5.jpg'), PORTRAIT_PHOTO, fixture('Landscape_1.jpg')];
/** Low, so that the comparison covers many boxes and the suppression between them, not only the faces. */
const MIN_CONFIDENCE = 0.05;

/** A photo's detector input: as it is, or on a black square of its long side (the image at its top left). */
async function photoPixels(path: string, square: boolean): Promise<RgbImage> {
  const input = await faceInputOfFile(path, { maxInputPixels: 100_000_000 });
  const side = Math.max(input.width, input.height);
  return square ? paddedTo(input, side, side) : paddedTo(input, input.width, input.height);
}

/** Pixels as the tensor face-api's own pass takes. */
const tensorOf = ({ tf }: FaceDetector, { data, width, height }: RgbImage): Tensor3D => tf.tensor3d(data, [height, width, 3], 'int32');

/** face-api's own SSD pass (detectAllFaces), the one face-ssd.ts replaces. */
async function faceApiDetections({ faceapi }: FaceDetector, image: Tensor3D): Promise<Detection[]> {
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence: MIN_CONFIDENCE, maxResults: 100 });
  return faceapi.detectAllFaces(image as never, options);
}

/** Each edge of a box, in pixels. */
const edges = ({ box }: Detection) => [box.x, box.y, box.x + box.width, box.y + box.height];

function expectSame(ours: readonly Detection[], theirs: readonly Detection[], pixels: number): void {
  expect(ours.length).toBe(theirs.length);
  for (const [i, theirsOne] of theirs.entries()) {
    expect(Math.abs(ours[i]!.score - theirsOne.score)).toBeLessThan(1e-4);
    const ourEdges = edges(ours[i]!);
    for (const [k, edge] of edges(theirsOne).entries()) expect(Math.abs(ourEdges[k]! - edge)).toBeLessThan(pixels);
  }
}

describe('SSD MobileNet v1, one layer at a time', () => {
  let detector: FaceDetector;

  beforeAll(async () => {
    detector = await loadFaceDetector();
  });

  it("finds what face-api's own pass finds on a square, box for box, in the same order", async () => {
    for (const path of PHOTOS) {
      const square = await photoPixels(path, true);
      const tensor = tensorOf(detector, square);
      try {
        const theirs = await faceApiDetections(detector, tensor);
        expect(theirs.length, path).toBeGreaterThan(0);
        expectSame(await ssdDetections(detector.tf, detector.ssd, square, MIN_CONFIDENCE, 100), theirs, 0.01);
      } finally {
        tensor.dispose();
      }
    }
  });

  it("lays out face-api's own anchors on a square", async () => {
    await ssdDetections(detector.tf, detector.ssd, await photoPixels(PORTRAIT_PHOTO, true), MIN_CONFIDENCE, 1);
    const theirs = await (detector.faceapi.nets.ssdMobilenetv1.params as unknown as SsdParams).output_layer.extra_dim.data();
    const ours = detector.ssd.anchorsByShape.get('512x512')!;
    expect(ours).toHaveLength(theirs.length);
    expect(Math.max(...ours.map((a, i) => Math.abs(a - theirs[i]!)))).toBeLessThan(1e-4);
  });

  it('frames a photo at its own aspect, the short side rounded up to a sixteenth of the long one', () => {
    expect(ssdFrame(640, 427)).toEqual({ width: 640, height: 440 });
    expect(ssdFrame(427, 640)).toEqual({ width: 440, height: 640 });
    expect(ssdFrame(640, 360)).toEqual({ width: 640, height: 360 });
    expect(ssdFrame(640, 100)).toEqual({ width: 640, height: 120 });
    expect(ssdFrame(640, 640)).toEqual({ width: 640, height: 640 });
    expect(ssdFrame(101, 60)).toEqual({ width: 101, height: 63 });
    expect(ssdFrame(1, 1)).toEqual({ width: 1, height: 1 });
  });

  it("finds on a photo's own aspect the faces face-api finds on its square, where it finds them", async () => {
    for (const path of PHOTOS) {
      const image = await photoPixels(path, false);
      const tensor = tensorOf(detector, image);
      try {
        const theirs = (await faceApiDetections(detector, tensor)).filter((d) => d.score >= 0.5);
        const ours = (await ssdDetections(detector.tf, detector.ssd, image, MIN_CONFIDENCE, 100)).filter((d) => d.score >= 0.5);
        expect(ours.length, path).toBe(theirs.length);
        for (const face of theirs) expect(Math.max(...ours.map((d) => iou(d.box, face.box))), path).toBeGreaterThan(0.8);
      } finally {
        tensor.dispose();
      }
    }
    // The landscapes were seen 512 wide and less high, not on a square.
    expect([...detector.ssd.anchorsByShape.keys()].filter((shape) => shape.endsWith('x512') && shape !== '512x512')).not.toEqual([]);
  });

  it('finds on the image padded to a square what face-api finds on the image, its boxes in the same pixels', async () => {
    for (const path of PHOTOS) {
      const tensor = tensorOf(detector, await photoPixels(path, false));
      try {
        const theirs = await faceApiDetections(detector, tensor);
        // face-api rounds the image's share of its 512 px square to whole pixels: an edge moves by less than one.
        expectSame(await ssdDetections(detector.tf, detector.ssd, await photoPixels(path, true), MIN_CONFIDENCE, 100), theirs, 1);
      } finally {
        tensor.dispose();
      }
    }
  });

  it('keeps at most maxResults, the highest scores, and leaves no tensor behind', async () => {
    const image = await photoPixels(join(DEMO, 'sample5.jpg'), true);
    const all = await ssdDetections(detector.tf, detector.ssd, image, MIN_CONFIDENCE, 100);
    const before = detector.tf.memory().numTensors;
    const two = await ssdDetections(detector.tf, detector.ssd, image, MIN_CONFIDENCE, 2);
    expect(detector.tf.memory().numTensors).toBe(before);
    expect(all.length).toBeGreaterThan(2);
    expect(two).toEqual(all.slice(0, 2));
  });

  it("lets the event loop turn between its layers, so a worker's other jobs are not held for a whole pass", async () => {
    const image = await photoPixels(PORTRAIT_PHOTO, true);
    let turns = 0;
    const counting = setInterval(() => turns++, 0);
    try {
      await ssdDetections(detector.tf, detector.ssd, image, MIN_CONFIDENCE, 100);
    } finally {
      clearInterval(counting);
    }
    // A timer of other work fires while the pass runs: once per few layers at least, of about 30.
    expect(turns).toBeGreaterThanOrEqual(10);
  });
});
