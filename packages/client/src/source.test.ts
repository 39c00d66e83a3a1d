import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { inputName, inputType, toByteSource } from './source.js';

const bytes = Uint8Array.from({ length: 20 }, (_, i) => i);

describe('toByteSource', () => {
  it('reads a Blob, bytes or an ArrayBuffer at any offset', async () => {
    for (const input of [new Blob([bytes]), bytes, bytes.buffer]) {
      const source = toByteSource(input);
      expect(source.size).toBe(20);
      const part = await source.read(5, 9);
      expect([...new Uint8Array(part instanceof Blob ? await part.arrayBuffer() : part)]).toEqual([5, 6, 7, 8]);
    }
  });

  it('takes a File’s name and type', () => {
    const file = new File([bytes], 'a.jpg', { type: 'image/jpeg' });
    expect([inputName(file), inputType(file)]).toEqual(['a.jpg', 'image/jpeg']);
  });

  it('cuts a Node Readable or a web stream into parts in order, skipping what a resume already has', async () => {
    for (const make of [() => Readable.from([bytes.subarray(0, 3), bytes.subarray(3)]), () => new Blob([bytes]).stream()]) {
      const source = toByteSource(make(), 20);
      expect(source.randomAccess).toBe(false);
      expect([...((await source.read(10, 15)) as Uint8Array)]).toEqual([10, 11, 12, 13, 14]);
      expect([...((await source.read(15, 20)) as Uint8Array)]).toEqual([15, 16, 17, 18, 19]);
    }
  });

  it('refuses a stream without a size, and one shorter or longer than its size', async () => {
    expect(() => toByteSource(Readable.from([bytes]))).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    await expect(toByteSource(Readable.from([bytes]), 30).read(0, 30)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('ended after 20'),
    });
    await expect(toByteSource(Readable.from([bytes]), 10).read(0, 10)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('longer'),
    });
  });
});
