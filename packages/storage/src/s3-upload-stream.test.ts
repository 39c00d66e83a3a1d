import { Readable } from 'node:stream';
import { DarkroomError } from '@darkroom/core/errors';
import { S3_MIN_PART_BYTES, MiB } from '@darkroom/core/limits';
import { describe, expect, it } from 'vitest';
import { StorageRequestError } from './errors.js';
import { readParts, streamPartSize } from './s3-upload-stream.js';

/** `total` bytes in chunks of `chunk`, byte i being i mod 251 (so a misplaced copy shows). */
function counting(total: number, chunk = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < total; at += chunk) {
        const bytes = Buffer.alloc(Math.min(chunk, total - at));
        for (let i = 0; i < bytes.length; i++) bytes[i] = (at + i) % 251;
        yield bytes;
      }
    })(),
  );
}

describe('streamPartSize', () => {
  it('keeps the size asked for, and grows it to whole MiB when the expected size needs more than 10,000 parts', () => {
    expect(streamPartSize(8 * MiB)).toBe(8 * MiB);
    expect(streamPartSize(5 * MiB, 40 * MiB)).toBe(5 * MiB);
    expect(streamPartSize(5 * MiB, 100_000 * MiB)).toBe(10 * MiB);
    expect(streamPartSize(5 * MiB, 100_000 * MiB + 1)).toBe(11 * MiB);
  });

  it('refuses parts S3 would refuse, and a body no 10,000 parts could hold', () => {
    expect(() => streamPartSize(4 * MiB)).toThrow(StorageRequestError);
    expect(() => streamPartSize(5 * MiB, 5 * 1024 * MiB * 10_001)).toThrow(expect.objectContaining({ code: 'file_too_large' }));
  });
});

describe('readParts', () => {
  it('cuts a body into full parts and a shorter last one, every byte in its place', async () => {
    const total = 2 * S3_MIN_PART_BYTES + 12_345;
    const seen: Buffer[] = [];
    // Copied at once: the reader reuses a part's buffer two parts later.
    for await (const part of readParts(counting(total, 100_000), { partSize: S3_MIN_PART_BYTES, maxBytes: total })) seen.push(Buffer.from(part));
    expect(seen.map((p) => p.length)).toEqual([S3_MIN_PART_BYTES, S3_MIN_PART_BYTES, 12_345]);
    const all = Buffer.concat(seen);
    expect(all.every((byte, i) => byte === i % 251)).toBe(true);
  });

  it('yields nothing for an empty body', async () => {
    const parts = [];
    for await (const part of readParts(Readable.from([]), { partSize: S3_MIN_PART_BYTES, maxBytes: 10 })) parts.push(part);
    expect(parts).toEqual([]);
  });

  it('stops past maxBytes, and past the parts allowed, with file_too_large, destroying the body', async () => {
    const past = async (body: Readable, maxBytes: number, maxParts?: number) => {
      try {
        for await (const _ of readParts(body, { partSize: S3_MIN_PART_BYTES, maxBytes, maxParts })) {
        }
      } catch (error) {
        expect(body.destroyed).toBe(true);
        return error as DarkroomError;
      }
      throw new Error('read to the end');
    };
    const tooLong = await past(counting(3 * MiB), MiB);
    expect(tooLong).toBeInstanceOf(DarkroomError);
    expect(tooLong).toMatchObject({ code: 'file_too_large', details: { maxBytes: MiB } });
    const tooManyParts = await past(counting(11 * MiB), 100 * MiB, 2);
    expect(tooManyParts).toMatchObject({ code: 'file_too_large', details: { maxBytes: 2 * S3_MIN_PART_BYTES } });
  });

  it("throws the body's own error as it is", async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('the server hung up'));
      },
    });
    await expect(async () => {
      for await (const _ of readParts(failing, { partSize: S3_MIN_PART_BYTES, maxBytes: MiB })) {
      }
    }).rejects.toThrow('the server hung up');
  });
});
