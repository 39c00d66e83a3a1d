import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect, collectYoung, collectYoungEvery, createYoungCollector } from './garbage.js';

/** Streams `chunks` through the transform; returns what came out, and how many collections ran. */
async function run(chunks: Buffer[], everyBytes: number | undefined) {
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

  it('collects every MiB unless told otherwise, as every reader does (the worker and the delivery server alike)', async () => {
    // 4 MiB in halves of a MiB: a collection after every second one.
    const halves = Array.from({ length: 8 }, () => Buffer.alloc(512 * 1024));
    const { collections } = await run(halves, undefined);
    expect(collections).toBe(4);
  });

  it('collects nothing for a read smaller than `everyBytes`', async () => {
    const { out, collections } = await run([Buffer.from('small')], 4096);
    expect(out.toString()).toBe('small');
    expect(collections).toBe(0);
  });
});

describe('collect and collectYoung', () => {
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
      collect('major');
    }).not.toThrow();
  });

  it('ask the exposed gc for a young, then a full, collection', () => {
    const calls: unknown[] = [];
    scope.gc = (options: unknown) => calls.push(options);
    collectYoung();
    collect('major');
    expect(calls).toEqual([
      { type: 'minor', execution: 'sync' },
      { type: 'major', execution: 'sync' },
    ]);
  });
});

describe('createYoungCollector', () => {
  it('counts the chunks of all its streams together', async () => {
    let collections = 0;
    const collector = createYoungCollector(3000, () => collections++);
    const sink = () =>
      new Writable({
        write(_chunk, _encoding, done) {
          done();
        },
      });
    const read = (chunks: number) => pipeline(Readable.from(Array.from({ length: chunks }, () => Buffer.alloc(1000))), collector.through(), sink());
    // Two reads of 2000 bytes each: neither alone reaches 3000, together they do once.
    await Promise.all([read(2), read(2)]);
    expect(collections).toBe(1);
  });
});
