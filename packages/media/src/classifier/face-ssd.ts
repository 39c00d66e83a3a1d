import { setImmediate } from 'node:timers/promises';
import type { Tensor, Tensor1D, Tensor3D, Tensor4D } from '@tensorflow/tfjs';
import { networkInput, type RgbImage, SSD_INPUT } from './ssd-input.js';
import type { TfRuntime } from './tf-runtime.js';

/**
 * SSD MobileNet v1's forward pass, on face-api's own weights, one layer at a time
 * (docs/design/worker.md#face-detections-memory).
 *
 * face-api runs the network inside one tf.tidy, which frees nothing until the pass ends: every
 * layer's output (and each batch norm's and clip's) is alive at once, and WebAssembly's memory never
 * shrinks, so a worker kept that peak for good. Here each layer's input is freed as soon as its
 * output exists, and each layer is one fused kernel (convolution, bias, ReLU6; the depthwise layers'
 * batch norms folded into their filters at load), so only two activations are alive at a time. The
 * box decoding and the non-max suppression, which face-api does with a tensor read per box pair, are
 * done in JavaScript on one read. On a square the boxes are face-api's (face-ssd.test.ts compares them).
 */

/** A box in pixels, or in fractions of an image: the shape face-api's detections and FaceBoxes share. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Detection {
  score: number;
  box: Box;
}

/** Each predictor's feature map, as a fraction of the input's side: strides 16 to 512 (5,118 anchors on 512²). */
const PREDICTOR_STRIDES = [16, 32, 64, 128, 256, 512] as const;
/** face-api's batch norm epsilon (its mobileNetV1.ts). */
const BATCH_NORM_EPSILON = 0.0010000000474974513;
/** face-api's SSD suppression threshold (its SsdMobilenetv1.ts). */
const NMS_IOU = 0.5;

/** face-api's SSD parameters, the parts used here (its ssdMobilenetv1/types.ts, which it does not export). */
interface PointwiseParams {
  filters: Tensor4D;
  batch_norm_offset: Tensor1D;
}
interface DepthwiseParams {
  filters: Tensor4D;
  batch_norm_scale: Tensor1D;
  batch_norm_offset: Tensor1D;
  batch_norm_mean: Tensor1D;
  batch_norm_variance: Tensor1D;
}
interface PredictorParams {
  box_encoding_predictor: { filters: Tensor4D; bias: Tensor1D };
  class_predictor: { filters: Tensor4D; bias: Tensor1D };
}
export interface SsdParams {
  mobilenetv1: Record<string, PointwiseParams | { depthwise_conv: DepthwiseParams; pointwise_conv: PointwiseParams }>;
  prediction_layer: Record<string, PointwiseParams | PredictorParams>;
  output_layer: { extra_dim: Tensor3D };
}

/** One fused layer: a convolution (depthwise or not), its bias and ReLU6 (or none: a predictor's). */
interface Layer {
  filter: Tensor4D;
  bias: Tensor1D;
  stride: 1 | 2;
  depthwise: boolean;
  relu6: boolean;
}

/** The network as fused layers, and what its anchors are made from. */
export interface Ssd {
  /** conv_0, then each pair's depthwise and pointwise layer. */
  backbone: Layer[];
  /** The index in `backbone` of conv_11's pointwise layer, the first predictor's input. */
  conv11: number;
  /** The extra layers after the backbone (prediction_layer conv_0..7). */
  extra: Layer[];
  /** Box and class predictors 0..5: 0 on conv_11, 1 on the backbone's output, 2..5 on extra conv_1, 3, 5, 7. */
  predictors: { boxes: Layer; classes: Layer }[];
  /** Per predictor, the sizes of its anchors ([height, width] in fractions of the square), as face-api's 512² anchors give them. */
  anchorSizes: [number, number][][];
  /** The anchors of each input shape met so far, by `${height}x${width}`: 2 × FRAME_STEPS (ssd-input.ts) shapes at most. */
  anchorsByShape: Map<string, Float32Array>;
}

const pointwise = (p: PointwiseParams, stride: 1 | 2): Layer => ({
  filter: p.filters,
  bias: p.batch_norm_offset,
  stride,
  depthwise: false,
  relu6: true,
});

/** A depthwise layer with its batch norm folded in: filter × k, bias offset − mean × k, k = scale / √(variance + ε). */
function depthwise(tf: TfRuntime, p: DepthwiseParams, stride: 1 | 2): Layer {
  return tf.tidy(() => {
    const k = tf.div(p.batch_norm_scale, tf.sqrt(tf.add(p.batch_norm_variance, BATCH_NORM_EPSILON)));
    const filter = tf.mul(p.filters, tf.reshape(k, [1, 1, -1, 1])) as Tensor4D;
    const bias = tf.sub(p.batch_norm_offset, tf.mul(p.batch_norm_mean, k)) as Tensor1D;
    return { filter: tf.keep(filter), bias: tf.keep(bias), stride, depthwise: true, relu6: true };
  });
}

function predictor(p: PredictorParams): { boxes: Layer; classes: Layer } {
  const linear = (c: { filters: Tensor4D; bias: Tensor1D }): Layer => ({
    filter: c.filters,
    bias: c.bias,
    stride: 1,
    depthwise: false,
    relu6: false,
  });
  return { boxes: linear(p.box_encoding_predictor), classes: linear(p.class_predictor) };
}

function part<T>(record: Record<string, unknown>, name: string): T {
  const value = record[name];
  if (!value) throw new Error(`face-api's SSD MobileNet v1 has no ${name}: its parameters changed shape`);
  return value as T;
}

/** The fused layers of face-api's loaded SSD MobileNet v1 (mobileNetV1.ts, predictionLayer.ts); made once per process. */
export async function prepareSsd(tf: TfRuntime, params: SsdParams): Promise<Ssd> {
  const net = params.mobilenetv1;
  const backbone = [pointwise(part(net, 'conv_0'), 2)];
  let conv11 = -1;
  for (let i = 1; i <= 13; i++) {
    const pair = part<{ depthwise_conv: DepthwiseParams; pointwise_conv: PointwiseParams }>(net, `conv_${i}`);
    backbone.push(depthwise(tf, pair.depthwise_conv, [2, 4, 6, 12].includes(i) ? 2 : 1), pointwise(pair.pointwise_conv, 1));
    if (i === 11) conv11 = backbone.length - 1;
  }
  const layers = params.prediction_layer;
  const extra = Array.from({ length: 8 }, (_, i) => pointwise(part(layers, `conv_${i}`), i % 2 === 1 ? 2 : 1));
  const predictors = Array.from({ length: 6 }, (_, i) => predictor(part(layers, `box_predictor_${i}`)));
  const anchorSizes = anchorSizesOf((await params.output_layer.extra_dim.data()) as Float32Array);
  return { backbone, conv11, extra, predictors, anchorSizes, anchorsByShape: new Map() };
}

/** A predictor's feature map on an input of `side` px: TensorFlow's 'same' stride-2 convolutions round up. */
const cellsOf = (side: number, stride: number) => Math.max(1, Math.ceil(side / stride));

/** Anchors per cell of each predictor in face-api's square layout (3 × 32² + 6 × (16² + 8² + 4² + 2² + 1) = 5,118). */
const ANCHORS_PER_CELL = [3, 6, 6, 6, 6, 6] as const;

/** The sizes of each predictor's anchors, read off its first cell in face-api's square layout. */
function anchorSizesOf(square: Float32Array): [number, number][][] {
  const sizes: [number, number][][] = [];
  let at = 0;
  for (const [p, stride] of PREDICTOR_STRIDES.entries()) {
    const perCell = ANCHORS_PER_CELL[p]!;
    const size = (k: number): [number, number] => [square[4 * k + 2]! - square[4 * k]!, square[4 * k + 3]! - square[4 * k + 1]!];
    sizes.push(Array.from({ length: perCell }, (_, k) => size(at + k)));
    at += cellsOf(SSD_INPUT, stride) ** 2 * perCell;
  }
  if (at * 4 !== square.length) throw new Error("face-api's SSD MobileNet v1 anchors changed shape");
  return sizes;
}

/**
 * The anchors of an input of `height` × `width` (at most SSD_INPUT each), as [ymin, xmin, ymax, xmax]
 * rows in fractions of the square it is the top left of, in the predictors' order (row, column,
 * anchor). Each cell's anchors are centred on it, as TensorFlow's SSD anchor generator lays them
 * out, with the square's sizes: on 512² this is face-api's own layout, anchor for anchor.
 */
function anchorsFor(ssd: Ssd, height: number, width: number): Float32Array {
  const shape = `${height}x${width}`;
  const known = ssd.anchorsByShape.get(shape);
  if (known) return known;
  const rows: number[] = [];
  for (const [p, stride] of PREDICTOR_STRIDES.entries()) {
    const [down, across] = [cellsOf(height, stride), cellsOf(width, stride)];
    for (let r = 0; r < down; r++)
      for (let c = 0; c < across; c++)
        for (const [h, w] of ssd.anchorSizes[p]!) {
          const cy = ((r + 0.5) / down) * (height / SSD_INPUT);
          const cx = ((c + 0.5) / across) * (width / SSD_INPUT);
          rows.push(cy - h / 2, cx - w / 2, cy + h / 2, cx + w / 2);
        }
  }
  const anchors = Float32Array.from(rows);
  ssd.anchorsByShape.set(shape, anchors);
  return anchors;
}

function apply(tf: TfRuntime, layer: Layer, x: Tensor4D): Tensor4D {
  const args = {
    x,
    filter: layer.filter,
    strides: layer.stride,
    pad: 'same' as const,
    bias: layer.bias,
    activation: layer.relu6 ? ('relu6' as const) : ('linear' as const),
  };
  return layer.depthwise ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args);
}

/** `layer` on `x`, freeing `x`: the one place activations are let go, so at most two are alive. */
function next(tf: TfRuntime, layer: Layer, x: Tensor4D): Tensor4D {
  try {
    return apply(tf, layer, x);
  } finally {
    x.dispose();
  }
}

/** Raw predictions, anchor by anchor: 4 box encodings and 3 class logits each. */
interface Predictions {
  boxes: Float32Array;
  classes: Float32Array;
}

/** A predictor's two outputs read out, and freed; its input is left as it is. */
async function predict(tf: TfRuntime, { boxes, classes }: { boxes: Layer; classes: Layer }, x: Tensor4D, out: Float32Array[][]): Promise<void> {
  for (const [i, layer] of [boxes, classes].entries()) {
    const t: Tensor = apply(tf, layer, x);
    try {
      out[i]!.push((await t.data()) as Float32Array);
    } finally {
      t.dispose();
    }
  }
}

/** The predictors' outputs one after another, as face-api concatenates them (axis 1, batch 1). */
function joined(parts: readonly Float32Array[]): Float32Array {
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const chunk of parts) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return all;
}

/**
 * The network on `input` (freed here): every predictor's outputs, in anchor order. The event loop
 * turns after each layer: a search holds a core for a quarter second or more on the WebAssembly
 * backend, which never yields by itself, and the worker's other jobs (their sockets, their lock
 * renewals) are served between its layers rather than after the whole network.
 */
async function forward(tf: TfRuntime, ssd: Ssd, input: Tensor4D): Promise<Predictions> {
  const out: Float32Array[][] = [[], []];
  let x = input;
  for (const [i, layer] of ssd.backbone.entries()) {
    x = next(tf, layer, x);
    await setImmediate();
    if (i === ssd.conv11) await predict(tf, ssd.predictors[0]!, x, out);
  }
  await predict(tf, ssd.predictors[1]!, x, out);
  for (const [i, layer] of ssd.extra.entries()) {
    x = next(tf, layer, x);
    await setImmediate();
    if (i % 2 === 1) await predict(tf, ssd.predictors[2 + (i >> 1)]!, x, out);
  }
  x.dispose();
  return { boxes: joined(out[0]!), classes: joined(out[1]!) };
}

/** Anchor `i`'s box, decoded as face-api's outputLayer.ts does: [ymin, xmin, ymax, xmax] in 0..1 of the square. */
function decodeBox(anchors: Float32Array, encodings: Float32Array, i: number): [number, number, number, number] {
  const [a0, a1, a2, a3] = [anchors[4 * i]!, anchors[4 * i + 1]!, anchors[4 * i + 2]!, anchors[4 * i + 3]!];
  const [p0, p1, p2, p3] = [encodings[4 * i]!, encodings[4 * i + 1]!, encodings[4 * i + 2]!, encodings[4 * i + 3]!];
  const [h, w] = [a2 - a0, a3 - a1];
  const [cy, cx] = [a0 + h / 2, a1 + w / 2];
  const [halfH, halfW] = [(Math.exp(p2 / 5) * h) / 2, (Math.exp(p3 / 5) * w) / 2];
  const [y, x] = [(p0 / 10) * h + cy, (p1 / 10) * w + cx];
  return [y - halfH, x - halfW, y + halfH, x + halfW];
}

type Corners = [number, number, number, number];

/** face-api's nonMaxSuppression.ts IOU, corners in either order. */
function cornersIou(a: Corners, b: Corners): number {
  const box = (c: Corners) => [Math.min(c[0], c[2]), Math.min(c[1], c[3]), Math.max(c[0], c[2]), Math.max(c[1], c[3])] as const;
  const [ay0, ax0, ay1, ax1] = box(a);
  const [by0, bx0, by1, bx1] = box(b);
  const areaA = (ay1 - ay0) * (ax1 - ax0);
  const areaB = (by1 - by0) * (bx1 - bx0);
  if (areaA <= 0 || areaB <= 0) return 0;
  const overlap = Math.max(Math.min(ay1, by1) - Math.max(ay0, by0), 0) * Math.max(Math.min(ax1, bx1) - Math.max(ax0, bx0), 0);
  return overlap / (areaA + areaB - overlap);
}

/** Greedy suppression, highest score first, as face-api's: a box overlapping a kept one by more than NMS_IOU goes. */
function suppress(anchors: Float32Array, p: Predictions, minConfidence: number, maxResults: number): { score: number; corners: Corners }[] {
  const candidates: { score: number; corners: Corners }[] = [];
  for (let i = 0; i < anchors.length / 4; i++) {
    const score = 1 / (1 + Math.exp(-p.classes[3 * i + 1]!));
    if (score > minConfidence) candidates.push({ score, corners: decodeBox(anchors, p.boxes, i) });
  }
  candidates.sort((a, b) => b.score - a.score);
  const kept: typeof candidates = [];
  for (const candidate of candidates) {
    if (kept.length >= maxResults) break;
    if (kept.every((k) => cornersIou(candidate.corners, k.corners) <= NMS_IOU)) kept.push(candidate);
  }
  return kept;
}

/**
 * SSD MobileNet v1's faces in `image` (any size), in its pixels, boxes cut to the network's frame
 * (faceBoxesOf cuts them to the picture). On a square image these are face-api's `detectAllFaces`
 * with SsdMobilenetv1Options (face-ssd.test.ts compares them); on another aspect the network sees
 * that aspect (ssd-input.ts). Every tensor made here is freed before it returns.
 */
export async function ssdDetections(tf: TfRuntime, ssd: Ssd, image: RgbImage, minConfidence: number, maxResults: number): Promise<Detection[]> {
  const { width, height } = image;
  const input = networkInput(tf, image);
  const [, inputHeight = 0, inputWidth = 0] = input.shape;
  const anchors = anchorsFor(ssd, inputHeight, inputWidth);
  const predictions = await forward(tf, ssd, input);
  if (predictions.classes.length / 3 !== anchors.length / 4)
    throw new Error(`SSD predictions do not match the anchors of ${inputHeight}x${inputWidth}`);
  // The boxes are fractions of the square whose top left the frame is: the square's side in pixels.
  const side = Math.max(width, height);
  const [frameRight, frameBottom] = [inputWidth / SSD_INPUT, inputHeight / SSD_INPUT];
  return suppress(anchors, predictions, minConfidence, maxResults).map(({ score, corners: [y0, x0, y1, x1] }) => {
    const [top, bottom] = [Math.max(0, y0), Math.min(frameBottom, y1)];
    const [left, right] = [Math.max(0, x0), Math.min(frameRight, x1)];
    return { score, box: { x: left * side, y: top * side, width: (right - left) * side, height: (bottom - top) * side } };
  });
}

/**
 * Every layer run once on a 16×16 input, at load. The WebAssembly backend packs a layer's weights
 * (XNNPACK) the first time it runs: left to the first search, each packing lands between that
 * search's large activations, and the holes they leave when freed are too small for the next
 * search's, which grows the heap again. Packed here, they sit below any activation.
 */
export async function warmUpSsd(tf: TfRuntime, ssd: Ssd): Promise<void> {
  await forward(tf, ssd, tf.zeros([1, 16, 16, 3]) as Tensor4D);
}
