import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { contentTypeOf, inputName, inputType, toByteSource } from './source.js';

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

  it('takes a typeless File’s type from its first bytes, with the table the API checks with', async () => {
    const heicHead = Uint8Array.from([0, 0, 0, 0x18, ...new TextEncoder().encode('ftypheic'), 0, 0, 0, 0, ...new TextEncoder().encode('mif1heic')]);
    const iphone = new File([heicHead, new Uint8Array(100)], 'IMG_0001.HEIC', { type: '' });
    expect(await contentTypeOf(iphone, toByteSource(iphone), undefined)).toBe('image/heic');
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    expect(await contentTypeOf(jpeg, toByteSource(jpeg), undefined)).toBe('image/jpeg');
    // The type given, then the Blob's own, win over the bytes.
    expect(await contentTypeOf(jpeg, toByteSource(jpeg), 'image/png')).toBe('image/png');
    const labelled = new Blob([jpeg], { type: 'image/webp' });
    expect(await contentTypeOf(labelled, toByteSource(labelled), undefined)).toBe('image/webp');
    // Bytes that prove nothing, and a stream (its first bytes would be spent): no type.
    expect(await contentTypeOf(bytes, toByteSource(bytes), undefined)).toBeUndefined();
    expect(await contentTypeOf(new Blob([jpeg]).stream(), toByteSource(new Blob([jpeg]).stream(), jpeg.length), undefined)).toBeUndefined();
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
