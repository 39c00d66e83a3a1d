import type { NSFWJS } from 'nsfwjs/core';
import type { ImageInput } from '../types.js';
import { CLASSIFIER_ERRORS } from './classifier-errors.js';
import {
  CLASSIFIER_INPUT_SIZE,
  type ClassifierFileOptions,
  type ClassifierInput,
  type ClassifierPixels,
  classifierInputOfFile,
  classifierInputOfPixels,
} from './classifier-input.js';
import { loadOnce } from './load-once.js';
import { loadTfRuntime, type TfRuntime } from './tf-runtime.js';

/**
 * The model's outputs in order (nsfwjs 4.4.0's `nsfw_classes.js`, which the package does not
 * export; the test checks this order against nsfwjs's own named `classify`).
 */
export const CLASSIFIER_CLASSES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'] as const;

/**
 * The classes whose probability is the score: Porn and Hentai, explicit photos and drawings. Sexy
 * is left out: it is the class that fires on swimwear, children at the beach, skin-toned food and
 * animals (the known false positives), and nudity short of explicit is a platform's call, made
 * through `holdAt` on the two that count. Drawing and Neutral are the safe classes.
 */
export const EXPLICIT_CLASSES = ['Porn', 'Hentai'] as const satisfies readonly (typeof CLASSIFIER_CLASSES)[number][];

export interface ExplicitScore {
  /** 0..1: the highest probability among EXPLICIT_CLASSES. */
  score: number;
  /** Every class of CLASSIFIER_CLASSES with its probability (a softmax: they sum to 1). */
  classes: Record<string, number>;
}

export interface ExplicitClassifier {
  /** The process's one TensorFlow.js, which the model's tensors live in. */
  tf: TfRuntime;
  model: NSFWJS;
}

async function startClassifier(): Promise<ExplicitClassifier> {
  const tf = await loadTfRuntime();
  // nsfwjs's core with the MobileNetV2 definition only: its weights are a module inside the package,
  // imported from disk. The package's default `load` would also register its larger models, and a
  // URL would be fetched.
  const [{ load }, { MobileNetV2Model }] = await Promise.all([import('nsfwjs/core'), import('nsfwjs/models/mobilenet_v2')]);
  const model = await load('MobileNetV2', { modelDefinitions: [MobileNetV2Model], size: CLASSIFIER_INPUT_SIZE });
  return { tf, model };
}

/**
 * The classifier, loaded once per process (a Promise, so concurrent first calls share one load).
 * A load that fails throws ClassifierUnavailableError and is forgotten, so the job's retry loads again.
 */
export const loadExplicitClassifier: () => Promise<ExplicitClassifier> = loadOnce(startClassifier, CLASSIFIER_ERRORS.unavailable);

/** One forward pass on a 224×224 input; every tensor it makes is disposed before it returns. */
async function scoreInput(input: ClassifierInput): Promise<ExplicitScore> {
  const { tf, model } = await loadExplicitClassifier();
  const probabilities = tf.tidy(() => {
    const pixels = new Uint8Array(input.data.buffer, input.data.byteOffset, input.data.length);
    return model.infer(tf.tensor3d(pixels, [input.height, input.width, 3], 'int32'));
  });
  let values: Float32Array | Int32Array | Uint8Array;
  try {
    values = await probabilities.data();
  } finally {
    probabilities.dispose();
  }
  const classes = Object.fromEntries(CLASSIFIER_CLASSES.map((name, i) => [name, values[i] ?? 0]));
  return { score: Math.max(...EXPLICIT_CLASSES.map((name) => classes[name] ?? 0)), classes };
}

/** The explicit score of decoded pixels (RGB or RGBA, any size: they are squeezed to the model's input whole). */
export async function explicitScore(pixels: ClassifierPixels): Promise<ExplicitScore> {
  return scoreInput(await classifierInputOfPixels(pixels));
}

/**
 * The explicit score of an image file as displayed, whole (never a crop). Refuses what the worker's
 * render refuses, with the same BadMediaError, before the model is asked anything.
 */
export async function explicitScoreOfFile(input: ImageInput, options: ClassifierFileOptions): Promise<ExplicitScore> {
  return scoreInput(await classifierInputOfFile(input, options));
}

/**
 * A video's score from its sampled frames (the spec asks at least 5; the caller samples): the
 * highest frame counts, one explicit scene being enough. Frames are scored one at a time, so only
 * one frame's input is held beside the model.
 */
export async function explicitScoreOfFrames(
  frames: Iterable<ClassifierPixels> | AsyncIterable<ClassifierPixels>,
): Promise<ExplicitScore & { frames: number }> {
  let highest: ExplicitScore | undefined;
  let count = 0;
  for await (const frame of frames) {
    const scored = await explicitScore(frame);
    count += 1;
    if (!highest || scored.score > highest.score) highest = scored;
  }
  if (!highest) throw new Error('explicitScoreOfFrames: no frame to score');
  return { ...highest, frames: count };
}
