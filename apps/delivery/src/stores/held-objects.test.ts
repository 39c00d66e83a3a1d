import { PassThrough, Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { INTERIM_PLAYLIST_CACHE_CONTROL } from '@darkroom/core/keys';
import type { OpenedObject } from '@darkroom/storage';
import { describe, expect, it } from 'vitest';
import { createHeldObjects } from './held-objects.js';
import { createHotCache } from './hot-cache.js';

const place = { bucket: 'b', key: 'variants/t/a/r1/x.webp' };
const modified = new Date('2026-11-25T00:00:00Z');

/** The bucket's answer of `bytes` (or `status`'s part of them), as storage's openObject gives it. */
function opened(body: Readable, length: number, status: 200 | 206 = 200): OpenedObject {
  return {
    status,
    size: length,
    length,
    range: undefined,
    cacheControl: undefined,
    etag: '"abc"',
    contentType: 'image/webp',
    lastModified: modified,
    metadata: {},
    body,
  };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const chunksOf = (bytes: Buffer, size: number) =>
  Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

describe('createHeldObjects', () => {
  it('passes a whole answer on as read and keeps it, with what the bucket said of it, once read to its end', async () => {
    const held = createHeldObjects(createHotCache({ maxBytes: 8000 }));
    const bytes = Buffer.from('x'.repeat(1000));
    const body = held.keep(place, opened(Readable.from(chunksOf(bytes, 100)), bytes.length));
    expect(held.get(place)).toBeNull();
    expect((await readAll(body)).equals(bytes)).toBe(true);
    expect(held.get(place)).toMatchObject({ data: bytes, etag: '"abc"', contentType: 'image/webp', lastModified: modified });
    expect(held.get({ ...place, bucket: 'other' })).toBeNull();
  });

  it('keeps no part (206), nothing larger than an eighth of the budget, and no answer cut short', async () => {
    const held = createHeldObjects(createHotCache({ maxBytes: 8000 }));
    await readAll(held.keep(place, opened(Readable.from([Buffer.alloc(10)]), 10, 206)));
    await readAll(held.keep(place, opened(Readable.from([Buffer.alloc(1001)]), 1001)));
    // Fewer bytes than the bucket announced.
    await readAll(held.keep(place, opened(Readable.from([Buffer.alloc(10)]), 20)));
    expect(held.get(place)).toBeNull();
    // A body that fails midway: the error reaches the reader, and nothing is kept.
    const failing = new PassThrough();
    const body = held.keep(place, opened(failing, 20));
    failing.write(Buffer.alloc(10));
    failing.destroy(new Error('reset'));
    await expect(readAll(body)).rejects.toThrow('reset');
    expect(held.get(place)).toBeNull();
  });

  it('fills one place once at a time, and the reads filling it hold at most the budget', async () => {
    const held = createHeldObjects(createHotCache({ maxBytes: 8000 }));
    const first = new PassThrough();
    expect(held.keep(place, opened(first, 1000))).not.toBe(first);
    // The same place while the first read fills it: passed on as it is.
    const again = new PassThrough();
    expect(held.keep(place, opened(again, 1000))).toBe(again);
    // Seven more places of 1000 fill the 8000 with the first; an eighth more would pass it.
    const others = Array.from({ length: 8 }, () => new PassThrough()).map((stream, i) => ({
      stream,
      body: held.keep({ ...place, key: `k${i}` }, opened(stream, 1000)),
    }));
    expect(others.map(({ stream, body }) => body === stream)).toEqual([false, false, false, false, false, false, false, true]);
    // Once a read is done (here cut off), its place and bytes are free again.
    const cut = others[0]!.body;
    cut.destroy();
    await finished(cut).catch(() => {});
    const ninth = new PassThrough();
    expect(held.keep({ ...place, key: 'k7' }, opened(ninth, 1000))).not.toBe(ninth);
  });

  it('never keeps an interim master playlist: it lists more rungs within its max-age', async () => {
    const held = createHeldObjects(createHotCache({ maxBytes: 8000 }));
    const bytes = Buffer.from('#EXTM3U\n');
    const answer = { ...opened(Readable.from([bytes]), bytes.length), cacheControl: INTERIM_PLAYLIST_CACHE_CONTROL };
    expect((await readAll(held.keep(place, answer))).equals(bytes)).toBe(true);
    expect(held.get(place)).toBeNull();
  });
});
