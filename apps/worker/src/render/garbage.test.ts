import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectRenderGarbage, collectYoung, collectYoungEvery, RENDER_GARBAGE_BYTES } from './garbage.js';

/** Streams `chunks` through the transform; returns what came out, and how many collections ran. */
async function run(chunks: Buffer[], everyBytes: number) {
  const out: Buffer[] = [];
  let collections = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out.push(chunk);
      done();
    },
  });
  await pipeline(
    Readable.from(chunks),
    collectYoungEvery(everyBytes, () => collections++),
    sink,
  );
  return { out: Buffer.concat(out), collections };
}

describe('collectYoungEvery', () => {
  it('passes every byte through in order and collects once per `everyBytes`', async () => {
    const chunks = Array.from({ length: 10 }, (_, i) => Buffer.alloc(1000, i));
    const { out, collections } = await run(chunks, 3000);
    expect(out.equals(Buffer.concat(chunks))).toBe(true);
    // After the 3rd, 6th and 9th chunk.
    expect(collections).toBe(3);
  });

  it('collects nothing for a download smaller than `everyBytes`', async () => {
    const { out, collections } = await run([Buffer.from('small')], 4096);
    expect(out.toString()).toBe('small');
    expect(collections).toBe(0);
  });
});

describe('collectYoung and collectRenderGarbage', () => {
  const scope = globalThis as { gc?: unknown };
  let saved: unknown;
  beforeEach(() => {
    saved = scope.gc;
  });
  afterEach(() => {
    scope.gc = saved;
  });

  it('do nothing where the process has no exposed gc', () => {
    delete scope.gc;
    expect(() => {
      collectYoung();
      collectRenderGarbage();
    }).not.toThrow();
  });

  it('ask the exposed gc for a young, then a full, collection', () => {
    const calls: unknown[] = [];
    scope.gc = (options: unknown) => calls.push(options);
    collectYoung();
    collectRenderGarbage(() => RENDER_GARBAGE_BYTES);
    expect(calls).toEqual([
      { type: 'minor', execution: 'sync' },
      { type: 'major', execution: 'sync' },
    ]);
  });

  it('leave a full collection to a later render while few buffers are held', () => {
    const calls: unknown[] = [];
    scope.gc = (options: unknown) => calls.push(options);
    collectRenderGarbage(() => RENDER_GARBAGE_BYTES - 1);
    expect(calls).toEqual([]);
    // The process's own figure by default: a test process holds far less than the threshold.
    collectRenderGarbage();
    expect(calls).toEqual([]);
  });
});
