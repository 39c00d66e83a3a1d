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
    [ftyp('M4A ', 'M4A ', 'mp42', 'isom'), 'audio/mp4'], // iTunes' audio brand as the major one: an .m4a
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

  describe('audio', () => {
    const hex = (text: string) => Buffer.from(text, 'hex');
    // The first bytes of files ffmpeg wrote (libmp3lame, aac in ipod and adts, flac, libopus, pcm_s16le, mp2).
    const files: [string, Buffer][] = [
      ['audio/mpeg', hex('49443304000000000023545353450000')], // ID3v2 tag
      ['audio/mpeg', hex('fffb50c400000a2c432e55948001811566233ad0')], // MPEG-1 Layer III frame, no tag
      ['audio/mpeg', hex('fffde0c4ecccbdcbcccffffffd080002cfffffff')], // MPEG-1 Layer II
      ['audio/mpeg', hex('ffe318c400000003480000000000000000000000')], // MPEG-2.5 Layer III, 8 kHz
      ['audio/aac', hex('fff15040213ffcde02004c6176633539')], // ADTS
      ['audio/mp4', hex('0000001c667479704d34412000000200')], // ftyp M4A
      ['audio/wav', hex('52494646de09040057415645666d7420')], // RIFF…WAVE
      ['audio/wav', Buffer.from('RF64\xff\xff\xff\xffWAVEds64', 'latin1')], // a WAV over 4 GiB
      ['audio/flac', hex('664c6143000000221200120000039100')],
      ['audio/ogg', hex('4f676753000200000000000000002f98')],
    ];

    it.each(files)('recognises %s by its first bytes (%#)', (type, bytes) => {
      expect(sniffContentType(bytes)).toBe(type);
      expect(assetKindOf(type)).toBe('audio');
    });

    it('takes no 0xFF start for MPEG audio unless the frame header is a real one', () => {
      const nearMisses = [
        'ffe0', // sync, but reserved layer and version
        'fffbf0c4', // bitrate index 15 (bad)
        'fffb5cc4', // sample rate index 3 (reserved)
        'ffeb50c4', // reserved MPEG version
        'ff00',
        'fffb', // too short to read a header
      ];
      for (const near of nearMisses) expect(sniffContentType(hex(near === 'fffb' ? near : `${near}0000`)), near).toBeNull();
    });

    it('lets an M4A be declared either way, and an audio-only MP4 (brand isom) as audio', () => {
      expect(contentMatchesDeclared('audio/x-m4a', 'audio/mp4')).toBe(true);
      expect(contentMatchesDeclared('audio/mp4', 'video/mp4')).toBe(true);
      expect(contentMatchesDeclared('audio/x-m4a', 'video/mp4')).toBe(true);
      expect(contentMatchesDeclared('video/mp4', 'audio/mp4')).toBe(false);
      expect(contentMatchesDeclared('audio/mpeg', 'audio/aac')).toBe(false);
      expect(contentMatchesDeclared('audio/wav', 'image/webp')).toBe(false);
    });

    it('finds a text file named .mp3 to be nothing', () => {
      expect(sniffContentType(Buffer.from('ID-3 tags are not here: this is a text file named episode.mp3'))).toBeNull();
      expect(sniffContentType(Buffer.from('\xef\xbb\xbfsome UTF-8 text with a byte order mark', 'latin1'))).toBeNull();
    });
  });

  it('knows text, empty input and near misses are not images', () => {
    expect(sniffContentType(Buffer.from('hello, this is not a picture'))).toBeNull();
    expect(sniffContentType(new Uint8Array())).toBeNull();
    expect(sniffContentType(Buffer.from([0xff, 0xd8]))).toBeNull();
    expect(sniffContentType(Buffer.from('RIFF\0\0\0\0AVI '))).toBeNull();
    expect(sniffContentType(Buffer.from('this is a text file named clip.mp4, not a video'))).toBeNull();
  });
});
