/**
 * The body of the HEIF decode thread (a worker_thread, one per image, ended after it): libheif's
 * WASM build decodes the primary image into a fresh buffer, which is handed back without a copy.
 *
 * It imports nothing of ours but types, so Node can run this file as is (TypeScript sources in
 * the tests, compiled JavaScript in production) without a build step or a loader.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { DecodeReply, DecodeRequest } from './decode-messages.js';

interface HeifError {
  code: { value: number };
  subcode: { value: number };
  message: string;
}

interface Channel {
  id: unknown;
  width: number;
  height: number;
  stride: number;
  data: Uint8Array;
}

const require = createRequire(import.meta.url);

// biome-ignore lint/suspicious/noExplicitAny: libheif-js ships no types; its Emscripten module is used through a handful of calls below.
async function loadLibheif(): Promise<any> {
  const factory = require('libheif-js/libheif-wasm/libheif.js');
  const wasmBinary = await readFile(require.resolve('libheif-js/libheif-wasm/libheif.wasm'));
  return factory({ wasmBinary });
}

function failed(result: unknown): result is HeifError {
  return typeof result === 'object' && result !== null && 'code' in result && 'message' in result;
}

/** libheif's error codes that mean "this file" rather than "this machine". */
// biome-ignore lint/suspicious/noExplicitAny: the untyped libheif module (see loadLibheif).
function replyFor(lib: any, error: HeifError): DecodeReply {
  const codes = lib.heif_error_code;
  if (error.subcode === lib.heif_suberror_code.heif_suberror_Security_limit_exceeded) {
    return { ok: false, kind: 'limit', message: error.message };
  }
  if (error.code === codes.heif_error_Unsupported_feature || error.code === codes.heif_error_Unsupported_filetype) {
    return { ok: false, kind: 'unsupported', message: error.message };
  }
  if (error.code === codes.heif_error_Memory_allocation_error) return { ok: false, kind: 'error', message: error.message };
  return { ok: false, kind: 'corrupt', message: error.message };
}

/**
 * Copies the interleaved plane out of the WASM heap, row by row (libheif pads rows to `stride`),
 * into `reserve` bytes of room followed by the pixels. An alpha channel that is opaque everywhere
 * is dropped, so an opaque HEIC renders like a JPEG (JPEG variants, placeholder).
 */
function copyPixels(plane: Channel, channels: 3 | 4, reserve: number): { buffer: ArrayBuffer; channels: 3 | 4 } {
  const { width, height, stride, data } = plane;
  const opaque = channels === 4 && isOpaque(plane);
  const out = opaque ? 3 : channels;
  const buffer = new ArrayBuffer(reserve + width * height * out);
  const target = new Uint8Array(buffer, reserve);
  for (let y = 0; y < height; y++) {
    const row = data.subarray(y * stride, y * stride + width * channels);
    if (!opaque) {
      target.set(row, y * width * out);
      continue;
    }
    for (let x = 0, t = y * width * 3; x < width * 4; x += 4, t += 3) {
      target[t] = row[x]!;
      target[t + 1] = row[x + 1]!;
      target[t + 2] = row[x + 2]!;
    }
  }
  return { buffer, channels: out };
}

function isOpaque(plane: Channel): boolean {
  for (let y = 0; y < plane.height; y++) {
    const row = y * plane.stride;
    for (let x = 3; x < plane.width * 4; x += 4) if (plane.data[row + x] !== 255) return false;
  }
  return true;
}

async function decode(request: DecodeRequest): Promise<{ reply: DecodeReply; transfer: ArrayBuffer[] }> {
  const lib = await loadLibheif();
  const bytes = typeof request.input === 'string' ? await readFile(request.input) : request.input;
  const context = lib.heif_context_alloc();
  // biome-ignore lint/suspicious/noExplicitAny: handles of the untyped libheif module (see loadLibheif).
  let handle: any = null;
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  let image: any = null;
  try {
    const read = lib.heif_context_read_from_memory(context, bytes);
    if (read.code !== lib.heif_error_code.heif_error_Ok) return { reply: replyFor(lib, read), transfer: [] };
    // The primary image, which is what every viewer shows: not necessarily the first image in the file.
    handle = lib.heif_context_get_primary_image_handle(context);
    if (failed(handle)) return { reply: replyFor(lib, handle), transfer: [] };
    const width: number = lib.heif_image_handle_get_width(handle);
    const height: number = lib.heif_image_handle_get_height(handle);
    if (width * height > request.maxInputPixels) return { reply: { ok: false, kind: 'pixels', width, height }, transfer: [] };
    const channels = lib.heif_image_handle_has_alpha_channel(handle) ? 4 : 3;
    const chroma = channels === 4 ? lib.heif_chroma.heif_chroma_interleaved_RGBA : lib.heif_chroma.heif_chroma_interleaved_RGB;
    // libheif applies the file's irot/imir/clap: these pixels are upright, as displayed.
    image = lib.heif_js_decode_image2(handle, lib.heif_colorspace.heif_colorspace_RGB, chroma);
    if (failed(image)) return { reply: replyFor(lib, image), transfer: [] };
    const plane: Channel | undefined = image.channels.find((c: Channel) => c.id === lib.heif_channel.heif_channel_interleaved);
    if (!plane || plane.width !== width || plane.height !== height || plane.stride < width * channels) {
      return { reply: { ok: false, kind: 'corrupt', message: 'the decoder returned no usable pixels' }, transfer: [] };
    }
    const copied = copyPixels(plane, channels, request.reserve);
    return { reply: { ok: true, width, height, channels: copied.channels, pixels: copied.buffer }, transfer: [copied.buffer] };
  } finally {
    if (image && !failed(image)) lib.heif_image_release(image.image);
    if (handle && !failed(handle)) lib.heif_image_handle_release(handle);
    lib.heif_context_free(context);
  }
}

const { reply, transfer } = await decode(workerData as DecodeRequest);
parentPort!.postMessage(reply, transfer);
