import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assetKindOf, contentMatchesDeclared, SNIFF_BYTES, sniffContentType } from './content-types.js';

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

  const ftyp = (major: string, ...compatible: string[]) => {
    const body = Buffer.from(`ftyp${major}\0\0\0\0${compatible.join('')}`);
    const size = Buffer.alloc(4);
    size.writeUInt32BE(body.length + 4);
    return Buffer.concat([size, body, Buffer.from('\0\0\0\x08free')]);
  };

  it.each([
    [ftyp('isom', 'isom', 'iso2', 'avc1', 'mp41'), 'video/mp4'],
    [ftyp('mp42', 'mp42', 'isom'), 'video/mp4'],
    [ftyp('M4V ', 'M4V ', 'M4A ', 'mp42', 'isom'), 'video/mp4'],
    [ftyp('iso5', 'iso5', 'dash'), 'video/mp4'],
    [ftyp('qt  ', 'qt  '), 'video/quicktime'],
    [ftyp('XYZW', 'mp41'), 'video/mp4'], // an unknown major brand: the compatible ones decide
    [Buffer.from('\0\0\0\x08wide\0\0\0\0mdat'), 'video/quicktime'],
    [ftyp('heic', 'mif1', 'heic'), 'image/heic'],
    [ftyp('mif1', 'avif', 'mif1', 'miaf'), 'image/avif'],
    [ftyp('M4A ', 'M4A ', 'mp42', 'isom'), 'video/mp4'], // audio only: the probe refuses it (corrupt_video), not the sniff
  ])('recognises ISO base media by its ftyp brands (%#)', (bytes, type) => {
    expect(sniffContentType(bytes)).toBe(type);
  });

  it('recognises WebM by its EBML header and DocType, and tells Matroska apart', () => {
    const ebml = (docType: string) =>
      Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x80 + docType.length, ...Buffer.from(docType)]);
    expect(sniffContentType(ebml('webm'))).toBe('video/webm');
    expect(sniffContentType(ebml('matroska'))).toBe('video/x-matroska');
    expect(sniffContentType(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]))).toBeNull();
  });

  it('lets MP4 and QuickTime stand for each other, and nothing else', () => {
    expect(contentMatchesDeclared('video/quicktime', 'video/mp4')).toBe(true);
    expect(contentMatchesDeclared('video/mp4', 'video/quicktime')).toBe(true);
    expect(contentMatchesDeclared('video/mp4', 'video/webm')).toBe(false);
    expect(contentMatchesDeclared('video/webm', 'video/x-matroska')).toBe(false);
    expect(contentMatchesDeclared('video/mp4', null)).toBe(false);
    expect(contentMatchesDeclared('image/png', 'image/png')).toBe(true);
    expect([assetKindOf('video/webm'), assetKindOf('image/heic')]).toEqual(['video', 'image']);
  });

  it('knows text, empty input and near misses are not images', () => {
    expect(sniffContentType(Buffer.from('hello, this is not a picture'))).toBeNull();
    expect(sniffContentType(new Uint8Array())).toBeNull();
    expect(sniffContentType(Buffer.from([0xff, 0xd8]))).toBeNull();
    expect(sniffContentType(Buffer.from('RIFF\0\0\0\0WAVE'))).toBeNull();
    expect(sniffContentType(Buffer.from('this is a text file named clip.mp4, not a video'))).toBeNull();
  });
});
