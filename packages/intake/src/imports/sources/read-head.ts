import { PassThrough, type Readable } from 'node:stream';

/**
 * Reads a stream's first `length` bytes (fewer when it ends sooner) and gives back a stream of the
 * whole, those bytes first: a file's type is known before its upload starts, and nothing is read
 * twice. The rest flows as the returned stream is read; an error of the source is the returned
 * stream's.
 */
export async function readHead(source: Readable, length: number): Promise<{ head: Buffer; body: Readable }> {
  const chunks: Buffer[] = [];
  let read = 0;
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let ended = false;
  while (read < length) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    chunks.push(next.value);
    read += next.value.length;
  }
  const first = Buffer.concat(chunks);
  const body = new PassThrough();
  body.write(first);
  if (ended) body.end();
  else {
    // The iterator took the source over: what is left is read through it, in order.
    void (async () => {
      try {
        for (let next = await iterator.next(); !next.done && !body.destroyed; next = await iterator.next()) {
          if (!body.write(next.value)) await drainedOrClosed(body);
        }
        if (!body.destroyed) body.end();
      } catch (error) {
        body.destroy(error as Error);
      }
    })();
  }
  body.once('close', () => {
    if (!source.destroyed) source.destroy();
  });
  return { head: first.subarray(0, length), body };
}

const drainedOrClosed = (stream: PassThrough) =>
  new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
  });
