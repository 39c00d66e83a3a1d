import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type FaceBox, MAX_FACES } from '@darkroom/core/contract/asset';
import { CLASSIFIER_ERRORS } from './classifier-errors.js';
import type { ClassifierFileOptions, ClassifierPixels } from './classifier-input.js';
import { type FaceInput, faceInputOfFile, faceInputOfPixels, framedOf } from './face-input.js';
import type { ImageInput } from '../types.js';
import { type Detection, prepareSsd, type SsdParams, ssdDetections, warmUpSsd } from './face-ssd.js';
import { confirmedDetections, type FaceApi, type FaceDetector } from './face-verify.js';
import { loadOnce } from './load-once.js';
import { loadTfRuntime } from './tf-runtime.js';

/**
 * The least SSD MobileNet v1 confidence kept as a candidate (each then confirmed: face-verify.ts).
 * On the labelled photos (fixtures/images/photos) the faces it found scored from 0.37 up, a dog's
 * head 0.38: 0.3 gains one face and lets the dog through the confirmation, 0.4 neither.
 */
export const FACE_MIN_CONFIDENCE = 0.4;

export type { FaceDetector } from './face-verify.js';

/** The package's own weights, by path (resolved where npm put the package): nothing is fetched. */
function modelDirectory(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'model');
}

async function startDetector(): Promise<FaceDetector> {
  // The runtime first: face-api's Node WebAssembly build takes TensorFlow.js and its wasm backend
  // from the same packages, so its models load into the one engine, on the backend already started.
  const tf = await loadTfRuntime();
  const faceapi = createRequire(import.meta.url)('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDirectory());
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelDirectory());
  const ssd = await prepareSsd(tf, faceapi.nets.ssdMobilenetv1.params as unknown as SsdParams);
  await warmUpSsd(tf, ssd);
  return { tf, faceapi, ssd };
}

/**
 * The detector, loaded once per process (concurrent first calls share one load). A load that fails
 * throws ClassifierUnavailableError and is forgotten, so a later call loads again.
 */
export const loadFaceDetector: () => Promise<FaceDetector> = loadOnce(startDetector, CLASSIFIER_ERRORS.faceDetectorUnavailable);

/** 0..1 with four decimals: a tenth of a pixel on a 1,000 px side, and a short JSON. */
const UNIT_STEPS = 10 ** 4;
const unit = (value: number): number => Math.round(Math.min(1, Math.max(0, value)) * UNIT_STEPS) / UNIT_STEPS;

/**
 * Detections in the input's pixels as FaceBoxes: 0..1 of the image, clipped to it (a box may reach
 * past an edge where a face is cut), largest first, at most MAX_FACES.
 */
export function faceBoxesOf(detections: readonly Detection[], width: number, height: number): FaceBox[] {
  const boxes: FaceBox[] = [];
  for (const { score, box } of detections) {
    const x = unit(box.x / width);
    const y = unit(box.y / height);
    const right = unit((box.x + box.width) / width);
    const bottom = unit((box.y + box.height) / height);
    if (right <= x || bottom <= y) continue;
    boxes.push({ x, y, width: unit(right - x), height: unit(bottom - y), score: Math.round(unit(score) * 1000) / 1000 });
  }
  return boxes.sort((a, b) => b.width * b.height - a.width * a.height || b.score - a.score).slice(0, MAX_FACES);
}

export interface FaceSearchOptions {
  /** The least confidence kept as a face; default FACE_MIN_CONFIDENCE. */
  minConfidence?: number;
}

/**
 * The faces in a face input already made (the worker's, from its variants' decode:
 * processImageFile's faceInput): one detection pass; every tensor it makes is disposed before it returns.
 */
export async function detectFacesInInput(input: FaceInput, search: FaceSearchOptions = {}): Promise<FaceBox[]> {
  const detector = await loadFaceDetector();
  const { tf } = detector;
  // The frame's pixels are the image's (it is padded on the right or the bottom only), so the boxes are too.
  const framed = framedOf(input);
  const candidates = await ssdDetections(tf, detector.ssd, framed, search.minConfidence ?? FACE_MIN_CONFIDENCE, MAX_FACES);
  if (candidates.length === 0) return [];
  // A tensor of the image only now, for the confirmation's crops: made after the search's
  // activations are freed, it takes their place in the WebAssembly heap instead of raising it.
  const tensor = tf.tensor3d(framed.data, [framed.height, framed.width, 3], 'int32');
  try {
    return faceBoxesOf(await confirmedDetections(detector, tensor, input, candidates), input.width, input.height);
  } finally {
    tensor.dispose();
  }
}

/** The faces in decoded pixels of the whole image as displayed (RGB or RGBA, any size). */
export async function detectFaces(pixels: ClassifierPixels, search: FaceSearchOptions = {}): Promise<FaceBox[]> {
  return detectFacesInInput(await faceInputOfPixels(pixels), search);
}

/**
 * The faces in an image file as displayed, whole (never a crop). Refuses what the worker's render
 * refuses, with the same BadMediaError, before the model is asked anything.
 */
export async function detectFacesOfFile(input: ImageInput, options: ClassifierFileOptions & FaceSearchOptions): Promise<FaceBox[]> {
  return detectFacesInInput(await faceInputOfFile(input, options), options);
}
