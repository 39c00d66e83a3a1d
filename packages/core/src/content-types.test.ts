import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SNIFF_BYTES, sniffContentType } from './content-types.js';

const head = async (name: string) =>
  (await readFile(fileURLToPath(new URL(`../../../fixtures/images/${name}`, import.meta.url)))).subarray(0, SNIFF_BYTES);

describe('sniffContentType', () => {
  it.each([
    ['DSCN0010.jpg', 'image/jpeg'],
    ['Flag_of_the_Netherlands-alpha.png', 'image/png'],
    ['animated-loop-3.gif', 'image/gif'],
    ['animated-loop-3.webp', 'image/webp'],
    ['tifftag-photoshop.tiff', 'image/tiff'],
    ['iphone_13_pro_max.HEIC', 'image/heic'],
    ['truncated.jpg', 'image/jpeg'],
  ])('%s is %s', async (name, type) => {
    expect(sniffContentType(await head(name))).toBe(type);
  });

  it('recognises AVIF by its ftyp brand', () => {
    const avif = Buffer.from([0, 0, 0, 0x1c, ...Buffer.from('ftypavif'), 0, 0, 0, 0, ...Buffer.from('avifmif1miaf')]);
    expect(sniffContentType(avif)).toBe('image/avif');
  });

  it('knows text, empty input and near misses are not images', () => {
    expect(sniffContentType(Buffer.from('hello, this is not a picture'))).toBeNull();
    expect(sniffContentType(new Uint8Array())).toBeNull();
    expect(sniffContentType(Buffer.from([0xff, 0xd8]))).toBeNull();
    expect(sniffContentType(Buffer.from('RIFF\0\0\0\0WAVE'))).toBeNull();
  });
});
