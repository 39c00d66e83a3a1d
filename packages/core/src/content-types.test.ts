import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SNIFF_BYTES, contentMatchesDeclared, sniffContentType } from './content-types.js';

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

  it('tells HEIC (an HEVC brand) from HEIF that names only the general brands', () => {
    const ftyp = (major: string, ...compatible: string[]) => {
      const box = Buffer.from(`....ftyp${major}\0\0\0\0${compatible.join('')}`, 'latin1');
      box.writeUInt32BE(box.length, 0);
      return box;
    };
    expect(sniffContentType(ftyp('heic', 'mif1', 'heic'))).toBe('image/heic');
    expect(sniffContentType(ftyp('mif1', 'heix'))).toBe('image/heic');
    expect(sniffContentType(ftyp('mif1', 'miaf'))).toBe('image/heif');
    expect(sniffContentType(ftyp('msf1', 'iso8'))).toBe('image/heif');
    // A brand outside the ftyp box's own size is not one of its brands.
    expect(sniffContentType(Buffer.concat([ftyp('abcd', 'efgh'), Buffer.from('heic')]))).toBeNull();
  });

  it('accepts a HEIC declared as image/heif and the other way round, and nothing else across types', () => {
    expect(contentMatchesDeclared('image/heif', 'image/heic')).toBe(true);
    expect(contentMatchesDeclared('image/heic', 'image/heif')).toBe(true);
    expect(contentMatchesDeclared('image/heic', 'image/heic')).toBe(true);
    expect(contentMatchesDeclared('image/heic', 'image/jpeg')).toBe(false);
    expect(contentMatchesDeclared('image/heic', 'image/avif')).toBe(false);
    expect(contentMatchesDeclared('image/avif', 'image/heif')).toBe(false);
    expect(contentMatchesDeclared('image/heic', null)).toBe(false);
  });

  it('knows text, empty input and near misses are not images', () => {
    expect(sniffContentType(Buffer.from('hello, this is not a picture'))).toBeNull();
    expect(sniffContentType(new Uint8Array())).toBeNull();
    expect(sniffContentType(Buffer.from([0xff, 0xd8]))).toBeNull();
    expect(sniffContentType(Buffer.from('RIFF\0\0\0\0WAVE'))).toBeNull();
  });
});
