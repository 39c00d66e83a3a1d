import { SNIFF_BYTES, sniffContentType } from '@darkroom/core/content-types';
import { DarkroomError } from './errors.js';

/**
 * What `upload()` takes: a File or Blob (browsers), bytes, or a stream with a known size (a web
 * ReadableStream, or a Node Readable: anything async-iterable over byte chunks).
 */
export type UploadInput = Blob | ArrayBuffer | Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** The bytes of an upload, read a part at a time. */
export interface ByteSource {
  readonly size: number;
  /** False for streams: parts must then be read in increasing order, each once. */
  readonly randomAccess: boolean;
  /** Bytes [start, end). A stream skips what lies before `start` (parts a resumed upload already has). */
  read(start: number, end: number): Promise<Blob | Uint8Array>;
}

const isBlob = (input: unknown): input is Blob => typeof Blob !== 'undefined' && input instanceof Blob;
const isReadableStream = (input: unknown): input is ReadableStream<Uint8Array> => typeof (input as ReadableStream | null)?.getReader === 'function';

/** The name a File carries, if the input is one. */
export function inputName(input: UploadInput): string | undefined {
  const name = (input as { name?: unknown }).name;
  return typeof name === 'string' && name ? name : undefined;
}

/** The type a Blob carries, if any. */
export function inputType(input: UploadInput): string | undefined {
  return isBlob(input) && input.type ? input.type : undefined;
}

/**
 * The upload's content type: the one given, else the Blob's, else what its first bytes prove, read
 * with the same signature table the API checks uploads with (an iPhone's HEIC reaches a browser
 * with no type). Undefined when none of these says.
 */
export async function contentTypeOf(input: UploadInput, source: ByteSource, given: string | undefined): Promise<string | undefined> {
  if (given) return given;
  const declared = inputType(input);
  if (declared) return declared;
  // A stream's first bytes would be consumed here: a stream's type has to be given.
  if (!source.randomAccess) return undefined;
  const head = await source.read(0, Math.min(SNIFF_BYTES, source.size));
  return sniffContentType(head instanceof Blob ? new Uint8Array(await head.arrayBuffer()) : head) ?? undefined;
}

export function toByteSource(input: UploadInput, declaredSize?: number): ByteSource {
  if (isBlob(input)) return { size: input.size, randomAccess: true, read: async (start, end) => input.slice(start, end) };
  if (input instanceof ArrayBuffer || input instanceof Uint8Array) {
    const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
    return { size: bytes.byteLength, randomAccess: true, read: async (start, end) => bytes.subarray(start, end) };
  }
  if (declaredSize === undefined || !Number.isSafeInteger(declaredSize) || declaredSize <= 0) {
    throw new DarkroomError('invalid_input', 'A stream needs its size in bytes: pass { size }.');
  }
  const chunks = isReadableStream(input) ? readerChunks(input) : input[Symbol.asyncIterator]();
  return streamSource(chunks, declaredSize);
}

async function* readerChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** A stream cut into parts as they are asked for, in order; each part is copied out once. */
function streamSource(chunks: AsyncIterator<Uint8Array>, size: number): ByteSource {
  let position = 0;
  let pending: Uint8Array = new Uint8Array(0);
  // Reads run one after another even when parts are uploaded in parallel.
  let queue: Promise<unknown> = Promise.resolve();

  async function take(count: number, keep: boolean): Promise<Uint8Array> {
    const out = keep ? new Uint8Array(count) : undefined;
    let filled = 0;
    while (filled < count) {
      if (pending.byteLength === 0) {
        const next = await chunks.next();
        if (next.done) throw new DarkroomError('invalid_input', `The stream ended after ${position + filled} bytes; its declared size is ${size}.`);
        pending = next.value;
      }
      const slice = pending.subarray(0, count - filled);
      out?.set(slice, filled);
      filled += slice.byteLength;
      pending = pending.subarray(slice.byteLength);
    }
    position += count;
    return out ?? new Uint8Array(0);
  }

  async function readInOrder(start: number, end: number): Promise<Uint8Array> {
    if (start < position) throw new Error(`stream parts must be read in order: ${start} is behind ${position}`);
    await take(start - position, false);
    const bytes = await take(end - start, true);
    if (end === size && (pending.byteLength > 0 || !(await chunks.next()).done)) {
      throw new DarkroomError('invalid_input', `The stream is longer than its declared size (${size} bytes).`);
    }
    return bytes;
  }

  return {
    size,
    randomAccess: false,
    read(start, end) {
      const result = queue.then(() => readInOrder(start, end));
      queue = result.catch(() => {});
      return result;
    },
  };
}
