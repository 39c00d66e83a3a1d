import type { Tensor3D } from '@tensorflow/tfjs';
import type { Box, Detection, Ssd } from './face-ssd.js';
import type { TfRuntime } from './tf-runtime.js';

export type FaceApi = typeof import('@vladmandic/face-api/dist/face-api.node-wasm.js');

export interface FaceDetector {
  /** The process's one TensorFlow.js, shared with the explicit-content classifier. */
  tf: TfRuntime;
  faceapi: FaceApi;
  /** face-api's SSD MobileNet v1 as fused layers (./face-ssd.ts). */
  ssd: Ssd;
}

/** Intersection over union of two boxes (0: apart, 1: the same box). */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  const overlap = Math.max(0, w) * Math.max(0, h);
  return overlap / (a.width * a.height + b.width * b.height - overlap);
}

/** The side of the square TinyFaceDetector is shown each candidate in. */
const VERIFY_INPUT = 160;
/**
 * The area shown: the candidate's larger side times this, centred on it. The tiny detector knows a
 * face by its head and shoulders around it: at 2 it confirmed 3 faces fewer of the labelled photos, at
 * 4 it confirmed 7 fewer (the face too small at 160 px).
 */
const VERIFY_CONTEXT = 3;
/**
 * A candidate is kept when TinyFaceDetector, shown the area around it, finds a face there (overlapping
 * it by VERIFY_MATCH_IOU) at least this sure. On the labelled photos it turned away the non-faces
 * SSD kept (a cat, a pizza, a penguin, a lighthouse) but the back of a child's head, and 0.35 turned
 * away two faces more and not that one.
 */
export const FACE_VERIFY_MIN_SCORE = 0.2;
const VERIFY_MATCH_IOU = 0.25;

/** The area around a candidate, inside the image, in pixels. */
function contextOf(box: Box, width: number, height: number) {
  const side = Math.max(box.width, box.height) * VERIFY_CONTEXT;
  const left = Math.min(width - 1, Math.max(0, Math.round(box.x + box.width / 2 - side / 2)));
  const top = Math.min(height - 1, Math.max(0, Math.round(box.y + box.height / 2 - side / 2)));
  return { left, top, width: Math.max(1, Math.min(width - left, Math.round(side))), height: Math.max(1, Math.min(height - top, Math.round(side))) };
}

/**
 * The detections a second model confirms, in `image` whose top left `width` × `height` is the
 * picture (the rest is padding, never shown to the tiny detector). SSD MobileNet v1 alone scores
 * some animals, food and the backs of heads as high as real faces; TinyFaceDetector, another network
 * trained apart, shown each candidate's surroundings at 160×160, rarely agrees with it on those.
 * Tensors are disposed here.
 */
export async function confirmedDetections<T extends Detection>(
  { tf, faceapi }: FaceDetector,
  image: Tensor3D,
  { width, height }: { width: number; height: number },
  detections: readonly T[],
): Promise<T[]> {
  const options = new faceapi.TinyFaceDetectorOptions({ inputSize: VERIFY_INPUT, scoreThreshold: FACE_VERIFY_MIN_SCORE });
  const kept: T[] = [];
  for (const detection of detections) {
    const area = contextOf(detection.box, width, height);
    const crop = tf.tidy(() => {
      const region = tf.slice(image, [area.top, area.left, 0], [area.height, area.width, 3]);
      return tf.cast(tf.round(tf.image.resizeBilinear(region, [VERIFY_INPUT, VERIFY_INPUT])), 'int32') as Tensor3D;
    });
    let found: Detection[];
    try {
      found = await faceapi.detectAllFaces(crop as never, options);
    } finally {
      crop.dispose();
    }
    // The candidate in the crop's fractions, against the tiny detector's boxes in the same.
    const { box } = detection;
    const candidate = {
      x: (box.x - area.left) / area.width,
      y: (box.y - area.top) / area.height,
      width: box.width / area.width,
      height: box.height / area.height,
    };
    const scale = (b: Box) => ({ x: b.x / VERIFY_INPUT, y: b.y / VERIFY_INPUT, width: b.width / VERIFY_INPUT, height: b.height / VERIFY_INPUT });
    if (found.some((face) => iou(scale(face.box), candidate) >= VERIFY_MATCH_IOU)) kept.push(detection);
  }
  return kept;
}
