import type { Readable } from 'node:stream';
import type { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ResponseTooLargeError } from './errors.js';

/** What the SDK hands the deserializer: the answer as it came, its body a stream not read yet. */
interface RawResponse {
  response: { headers: Record<string, string | undefined>; body: unknown };
}

/**
 * The body read whole, but never past `maxBytes`: an answer that announces more, or sends more, is
 * `ResponseTooLargeError` with its socket closed, before a byte of it is parsed.
 */
async function readBounded(body: Readable, announced: number | null, maxBytes: number, signal: AbortSignal | undefined): Promise<Buffer> {
  const refuse = () => {
    body.destroy();
    return new ResponseTooLargeError(`the answer is longer than ${maxBytes} bytes`, maxBytes);
  };
  if (announced !== null && announced > maxBytes) throw refuse();
  const onAbort = () => body.destroy(signal!.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const chunks: Buffer[] = [];
    let read = 0;
    for await (const chunk of body) {
      read += (chunk as Buffer).length;
      if (read > maxBytes) throw refuse();
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Bounds the answer of one listing: the SDK reads a whole body and parses it before the caller sees
 * a key, so a server that sends a page of a million keys, or a body that never ends, is stopped here,
 * in the deserialize step below the SDK's own parser, where the body is still the socket's stream.
 * A refusal is not tried again (it is no transient error to the SDK's retry).
 */
export function boundResponseBody(command: ListObjectsV2Command, maxBytes: number, signal: AbortSignal | undefined): void {
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const { response } = result as unknown as RawResponse;
      const length = response.headers['content-length'];
      const announced = length === undefined || !/^\d+$/.test(length) ? null : Number(length);
      if (response.body && typeof (response.body as Readable).on === 'function') {
        response.body = await readBounded(response.body as Readable, announced, maxBytes, signal);
      }
      return result;
    },
    // Low priority in the deserialize step: inside the SDK's deserializer, so this runs on the raw answer first.
    { step: 'deserialize', priority: 'low', name: 'darkroomBoundedBody' },
  );
}
