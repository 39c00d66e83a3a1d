import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ERRORS } from '@darkroom/core/error-factories';
import sharp, { type Sharp } from 'sharp';
import type { ImageInput, ImageProbe } from '../types.js';
import type { DecodeReply, DecodeRequest } from './decode-messages.js';
import { tiffPrefixLength, writeTiffPrefix } from './tiff.js';

/** The thread's own file: decode-thread.ts next to this file in the tests, decode-thread.js in dist. */
const THREAD = new URL(`./decode-thread${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/**
 * The thread failed for a reason that is not the file's (out of memory, ended from outside): a
 * `code`, like Node's system errors, so classifyDecodeError passes it on to be retried.
 */
export class HeifThreadError extends Error {
  override readonly name = 'HeifThreadError';
  readonly code = 'ERR_HEIF_THREAD';
}

/** A decode with no time limit of its own still ends: a WASM decoder stuck in a loop would hold its thread forever. */
export const DEFAULT_DECODE_TIMEOUT_MS = 120_000;

export interface HeifDecodeOptions {
  maxInputPixels: number;
  /** performance.now() by which the decode must be done (RenderBudget's deadline). */
  deadline?: number | undefined;
}

/**
 * Decodes the primary image of a HEIC/HEIF with libheif's WASM build in a worker_thread of its
 * own, ended after the image: the decode blocks its thread for seconds, so it must not run on the
 * thread that serves other jobs, and the WASM heap never shrinks, so only ending the thread gives
 * its memory back. Returns a sharp pipeline over the upright pixels, with the file's ICC profile
 * attached (a TIFF wrapper, see tiff.ts) so the usual toColourspace('srgb') converts Display P3
 * correctly. The pixels are 8-bit: libheif converts 10-bit images down.
 */
export async function openHeif(input: ImageInput, probe: ImageProbe, options: HeifDecodeOptions): Promise<Sharp> {
  // metadata() reads the profile from the header without decoding (sharp's libheif can't decode HEVC).
  const icc = (await sharp(input, { limitInputPixels: false }).metadata()).icc;
  const reserve = icc ? tiffPrefixLength(probe.height, icc) : 0;
  const decoded = await decodeInThread(input, { ...options, reserve });
  if (decoded.width !== probe.width || decoded.height !== probe.height) {
    throw ERRORS.corruptImage(`the header says ${probe.width}x${probe.height} but the image decodes as ${decoded.width}x${decoded.height}`);
  }
  const buffer = Buffer.from(decoded.pixels);
  if (!icc) {
    return sharp(buffer, { raw: { width: decoded.width, height: decoded.height, channels: decoded.channels }, limitInputPixels: false });
  }
  writeTiffPrefix(buffer, { width: decoded.width, height: decoded.height, channels: decoded.channels, icc });
  return sharp(buffer, { limitInputPixels: false });
}

/** openHeif's pixels as they come out of the thread, with `reserve` free bytes in front. */
export async function decodeInThread(
  input: ImageInput,
  options: HeifDecodeOptions & { reserve: number },
): Promise<Extract<DecodeReply, { ok: true }>> {
  const timeoutMs = options.deadline === undefined ? DEFAULT_DECODE_TIMEOUT_MS : options.deadline - performance.now();
  // Same wording as sharp's timeout error, so classifyDecodeError reports both as render_timeout.
  if (timeoutMs <= 0) throw new Error('timeout: time limit reached before the HEIF decode');
  // Bytes are copied into a buffer of their own and moved to the thread, never shared with it.
  const bytes = typeof input === 'string' ? input : new Uint8Array(input);
  const request: DecodeRequest = { input: bytes, maxInputPixels: options.maxInputPixels, reserve: options.reserve };
  const worker = new Worker(THREAD, {
    // The thread needs no flags of ours, and some (--input-type, loaders) would stop it from starting.
    execArgv: [],
    workerData: request,
    transferList: typeof bytes === 'string' ? [] : [bytes.buffer as ArrayBuffer],
  });
  const reply = await runThread(worker, timeoutMs);
  if (reply.ok) return reply;
  throw replyError(reply, options.maxInputPixels);
}

function runThread(worker: Worker, timeoutMs: number): Promise<DecodeReply> {
  return new Promise<DecodeReply>((resolve, reject) => {
    let reply: DecodeReply | null = null;
    const timer = setTimeout(() => {
      reject(new Error(`timeout: the HEIF decode took longer than ${Math.ceil(timeoutMs / 1000)} s`));
      void worker.terminate();
    }, timeoutMs);
    worker.on('message', (message: DecodeReply) => {
      reply = message;
    });
    worker.on('error', (error) => {
      clearTimeout(timer);
      reject(threadError(error));
    });
    worker.on('exit', (code) => {
      clearTimeout(timer);
      if (reply) resolve(reply);
      else reject(new HeifThreadError(`the HEIF decode thread exited with code ${code} before it replied`));
    });
  });
}

/**
 * A WASM trap (RuntimeError: out of bounds, unreachable) is libheif tripping over the file;
 * running out of memory, or any other failure of the thread, is the machine's trouble and retried.
 */
function threadError(error: Error): Error {
  if (error.name === 'RuntimeError' && !/OOM|enlarge memory|out of memory/i.test(error.message)) {
    return ERRORS.corruptImage(`the HEIF decoder failed: ${error.message.split('\n', 1)[0]}`);
  }
  if (typeof (error as NodeJS.ErrnoException).code === 'string') return error;
  return new HeifThreadError(`the HEIF decode thread failed: ${error.message}`, { cause: error });
}

function replyError(reply: Exclude<DecodeReply, { ok: true }>, maxInputPixels: number): Error {
  switch (reply.kind) {
    case 'pixels':
      return ERRORS.tooManyPixels(reply.width, reply.height, 1, maxInputPixels);
    case 'limit':
      return ERRORS.heifTooComplex(reply.message);
    case 'unsupported':
      return ERRORS.heifFeatureNotSupported(reply.message);
    case 'corrupt':
      return ERRORS.corruptImage(reply.message);
    case 'error':
      return new HeifThreadError(`the HEIF decoder failed: ${reply.message}`);
  }
}
