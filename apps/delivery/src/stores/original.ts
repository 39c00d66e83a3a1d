import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { releaseBuffer } from '@darkroom/media';
import type { ObjectLocation, ObjectStorage } from '@darkroom/storage';

/** An original ready to render: its bytes in memory, or the path of a temporary copy. */
export interface LocalOriginal {
  input: Buffer | string;
  /** Frees the bytes in memory (`input` reads as empty after) or removes the temporary copy. */
  dispose(): Promise<void>;
}

export interface ReadOriginalOptions {
  /** Read into memory up to this many bytes; a larger original goes to a file (0: always a file). */
  memoryBytes: number;
  /** Where a temporary copy is made. */
  tmpDir: string;
  /** Stops the read: its download is cut off, its temporary copy removed, and it rejects. */
  signal?: AbortSignal;
}

/**
 * Reads an original from the bucket: into memory when it is at most `memoryBytes` (no file to
 * write, read back and remove), else streamed into a temporary file, so memory stays bounded by
 * the renders at once times `memoryBytes` whatever the originals' size. The bytes read into
 * memory before the limit was passed go to the file first.
 */
export async function readOriginal(storage: ObjectStorage, location: ObjectLocation, options: ReadOriginalOptions): Promise<LocalOriginal> {
  const body = await storage.getStream(location);
  const { signal } = options;
  if (signal) {
    // The download goes no further once aborted: reading it rejects (a premature close, with no
    // 'error' event for nobody to hear once it has been read), and a partial copy is removed below.
    const cut = () => body.destroy();
    if (signal.aborted) cut();
    else {
      signal.addEventListener('abort', cut, { once: true });
      body.once('close', () => signal.removeEventListener('abort', cut));
    }
  }
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let size = 0;
  while (options.memoryBytes > 0) {
    const next = await chunks.next();
    if (next.done) return inMemory(head, size);
    head.push(next.value);
    size += next.value.length;
    if (size > options.memoryBytes) break;
  }
  let dir: string | undefined;
  const dispose = async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  try {
    dir = await mkdtemp(join(options.tmpDir, 'darkroom-delivery-'));
    const path = join(dir, 'original');
    await pipeline(
      async function* () {
        yield* head.splice(0);
        for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
      },
      createWriteStream(path, { mode: 0o600 }),
    );
    return { input: path, dispose };
  } catch (error) {
    body.destroy();
    await dispose();
    throw error;
  }
}

/**
 * The read chunks as one Buffer, whose memory is freed on `dispose` and the chunks' once joined:
 * left to the garbage collector, a few originals' worth of spent buffers set off a full collection
 * that paused a later request in the middle of its render (docs/design/delivery.md#a-first-requests-path).
 */
function inMemory(chunks: Buffer[], size: number): LocalOriginal {
  if (chunks.length === 1) {
    const only = chunks[0]!;
    return { input: only, dispose: async () => releaseBuffer(only) };
  }
  const joined = Buffer.concat(chunks, size);
  for (const chunk of chunks) releaseBuffer(chunk);
  return { input: joined, dispose: async () => releaseBuffer(joined) };
}
