import { createHash, randomBytes } from 'node:crypto';
import { get, type IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';

const CHUNK_BYTES = 1 << 20;

export interface PatternedBody {
  body: Readable;
  /** The SHA-256 of every byte the body gave, once it has been read to its end. */
  sha256(): string;
}

/**
 * `size` bytes made as they are read, never held whole: each mebibyte the same block of noise (which
 * does not compress) with its own index written at its start, so a chunk dropped, sent twice or out
 * of order changes the hash.
 */
export function patternedBody(size: number): PatternedBody {
  const noise = randomBytes(CHUNK_BYTES);
  const hash = createHash('sha256');
  let done = false;
  async function* chunks() {
    for (let index = 0; index * CHUNK_BYTES < size; index++) {
      // A copy each time: the uploader may still hold the chunk before.
      const chunk = Buffer.from(noise.subarray(0, Math.min(CHUNK_BYTES, size - index * CHUNK_BYTES)));
      chunk.writeUInt32BE(index, 0);
      hash.update(chunk);
      yield chunk;
    }
    done = true;
  }
  return {
    body: Readable.from(chunks()),
    sha256() {
      if (!done) throw new Error('the body has not been read to its end');
      return hash.digest('hex');
    },
  };
}

export interface StreamedRead {
  status: number;
  headers: IncomingHttpHeaders;
  length: number;
  sha256: string;
  /** When the reader stopped reading and when it read on (`Date.now()`), with a stall. */
  stalled?: { from: number; to: number };
}

/**
 * A GET read as it arrives, hashed and counted, never kept. With `stall`, the reader stops reading
 * once `atByte` bytes are in and reads on `forMs` later, as a slow client does: the server must then
 * stop reading its source too, not buffer what the client does not take.
 */
export function readStreamed(url: string, headers: Record<string, string> = {}, stall?: { atByte: number; forMs: number }): Promise<StreamedRead> {
  return new Promise((resolve, reject) => {
    const request = get(url, { headers }, (res) => {
      const hash = createHash('sha256');
      let length = 0;
      let stalled: StreamedRead['stalled'];
      res.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        length += chunk.length;
        if (stall && !stalled && length >= stall.atByte) {
          const from = Date.now();
          stalled = { from, to: from + stall.forMs };
          res.pause();
          setTimeout(() => res.resume(), stall.forMs);
        }
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, length, sha256: hash.digest('hex'), stalled }));
      res.on('error', reject);
    });
    request.on('error', reject);
  });
}
