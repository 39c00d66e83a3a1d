import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createS3Storage, ObjectNotFoundError, parseStorageConfig } from '@darkroom/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOriginal } from './original.js';

/** Against the real bucket: an object several times larger than one read chunk, so the spill writes both parts. */
const config = parseStorageConfig(process.env);
const storage = createS3Storage(config);
const location = { bucket: config.bucket, key: `test-delivery-original/${randomUUID()}` };
const bytes = randomBytes(3 * 1024 * 1024 + 17);
let tmpDir: string;

beforeAll(async () => {
  tmpDir = await mkdtemp(join(tmpdir(), 'darkroom-original-test-'));
  await storage.putObject({ ...location, body: bytes, contentType: 'application/octet-stream' });
});
afterAll(async () => {
  await storage.deleteObject(location);
  await rm(tmpDir, { recursive: true, force: true });
});

describe('readOriginal', () => {
  it('reads an original within the limit into memory, leaving no file', async () => {
    const original = await readOriginal(storage, location, { memoryBytes: bytes.length, tmpDir });
    expect(Buffer.isBuffer(original.input)).toBe(true);
    expect((original.input as Buffer).equals(bytes)).toBe(true);
    expect(await readdir(tmpDir)).toEqual([]);
    // Its memory is freed at once, not left to a later full collection.
    await original.dispose();
    expect((original.input as Buffer).length).toBe(0);
  });

  it('writes a larger one to a temporary file, the bytes read before the limit included, and removes it', async () => {
    const original = await readOriginal(storage, location, { memoryBytes: 64 * 1024, tmpDir });
    expect(typeof original.input).toBe('string');
    expect((await readFile(original.input as string)).equals(bytes)).toBe(true);
    await original.dispose();
    expect(await readdir(tmpDir)).toEqual([]);
    expect(dirname(original.input as string).startsWith(tmpDir)).toBe(true);
  });

  it('always writes a file with no memory allowed', async () => {
    const original = await readOriginal(storage, location, { memoryBytes: 0, tmpDir });
    expect((await readFile(original.input as string)).equals(bytes)).toBe(true);
    await original.dispose();
  });

  it('stops reading when aborted, before or during the read, leaving no file', async () => {
    const before = new AbortController();
    before.abort();
    await expect(readOriginal(storage, location, { memoryBytes: bytes.length, tmpDir, signal: before.signal })).rejects.toThrow();
    // Aborted while the first bytes are still being read: into memory, and into a file.
    for (const memoryBytes of [bytes.length, 0]) {
      const during = new AbortController();
      const reading = readOriginal(storage, location, { memoryBytes, tmpDir, signal: during.signal });
      setImmediate(() => during.abort());
      await expect(reading).rejects.toThrow();
    }
    expect(await readdir(tmpDir)).toEqual([]);
    // Aborting once it has been read changes nothing.
    const after = new AbortController();
    const original = await readOriginal(storage, location, { memoryBytes: bytes.length, tmpDir, signal: after.signal });
    after.abort();
    expect((original.input as Buffer).equals(bytes)).toBe(true);
  });

  it('says so when the original is missing', async () => {
    await expect(readOriginal(storage, { ...location, key: `${location.key}-gone` }, { memoryBytes: 1024, tmpDir })).rejects.toBeInstanceOf(
      ObjectNotFoundError,
    );
  });
});
