import { open } from 'node:fs/promises';
import type { ImageInput } from './types.js';

/** Positioned reads of an upload (a file or a buffer), for the header readers that run before any decoder. */
export interface ByteSource {
  size: number;
  /** Up to `length` bytes at `offset`: fewer where the file ends. */
  read(offset: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

export async function openSource(input: ImageInput): Promise<ByteSource> {
  if (typeof input !== 'string') {
    return { size: input.length, read: async (at, n) => input.subarray(at, at + n), close: async () => {} };
  }
  const file = await open(input, 'r');
  const { size } = await file.stat();
  return {
    size,
    async read(at, n) {
      const { buffer, bytesRead } = await file.read(Buffer.alloc(n), 0, n, at);
      return buffer.subarray(0, bytesRead);
    },
    close: () => file.close(),
  };
}
