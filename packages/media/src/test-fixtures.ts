/**
 * Helpers shared by the media tests (not a test file itself, so vitest doesn't collect it).
 * Uses only node and sharp, so compiling it into dist is harmless.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';

export const FIXTURES = fileURLToPath(new URL('../../../fixtures/images/', import.meta.url));

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/**
 * One of each distinct clean picture in fixtures/images (SOURCES.md) that sharp decodes, for the
 * classifier's tests and bench: Landscape_6 (EXIF-rotated) stands for its 8 orientations.
 */
export const CLEAN_PHOTOS = [
  'Landscape_6.jpg',
  'jolla.jpg',
  'HMD_Nokia_8.3_5G.jpg',
  'DSCN0010.jpg',
  '320x240.jpg',
  'Channel_digital_image_CMYK_color.jpg',
  'Flag_of_the_Netherlands-alpha.png',
  'tifftag-photoshop.tiff',
];

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'darkroom-media-'));
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A valid PNG (1-bit greyscale, all black) whose pixel data deflates from rows of zeros: a
 * 20000x20000 image is 400 megapixels but only ~50 KB on disk. Decoding it would need at least
 * 400 MB as 8-bit pixels, so probing it must not decode it.
 */
export function bombPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, adaptive filtering, no interlace
  const rowBytes = 1 + Math.ceil(width / 8); // filter byte + packed pixels
  const idat = deflateSync(Buffer.alloc(rowBytes * height), { level: 9 });
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

export async function writeBombPng(path: string, width: number, height: number): Promise<void> {
  await writeFile(path, bombPng(width, height));
}

const HTML = '<html><body><script>document.title = "polyglot"</script></body></html>';

/** An SVG with a script and an external reference: librsvg would render it if it ever reached a decoder. */
export const SVG_IMAGE = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="640" height="480">' +
    '<script>alert(1)</script><image xlink:href="http://127.0.0.1:9/x.png" width="640" height="480"/>' +
    '<rect width="640" height="480" fill="red"/></svg>',
);

/** A JPEG start (SOI and a JFIF APP0 segment) followed by HTML: sniffs as image/jpeg, but has no image in it. */
export function jpegPolyglot(): Buffer {
  const start = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  return Buffer.concat([start, Buffer.from(HTML.repeat(20))]);
}

/** A valid PNG with HTML after its IEND chunk: decoders stop at IEND, so it renders, and re-encoding drops the HTML. */
export async function pngPolyglot(): Promise<Buffer> {
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } })
    .png()
    .toBuffer();
  return Buffer.concat([png, Buffer.from(HTML)]);
}

/** A tiny greyscale fingerprint of an image (any format sharp reads), for "same picture, same way up" checks. */
export async function greySignature(input: Buffer | string, page = 0): Promise<Uint8Array> {
  const { data } = await sharp(input, { page }).resize(32, 24, { fit: 'fill' }).greyscale().raw().toBuffer({ resolveWithObject: true });
  return data;
}

export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** The RIFF chunk ids of a WebP file ('VP8 ', 'VP8X', 'EXIF', 'XMP ', 'ICCP', 'ANIM', 'ANMF', …). */
export function webpChunks(data: Buffer): string[] {
  const ids: string[] = [];
  for (let at = 12; at + 8 <= data.length; ) {
    const id = data.toString('ascii', at, at + 4);
    const size = data.readUInt32LE(at + 4);
    ids.push(id);
    // ANMF frames nest image chunks; walking the top level is enough for metadata chunks.
    at += 8 + size + (size % 2);
  }
  return ids;
}

/** Whether raw EXIF (as sharp returns it: "Exif\0\0" + TIFF) has a GPS IFD pointer (tag 0x8825) in IFD0. */
export function exifHasGps(exif: Buffer): boolean {
  const tiff = exif.subarray(exif.toString('latin1', 0, 4) === 'Exif' ? 6 : 0);
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd0 = u32(4);
  const entries = u16(ifd0);
  for (let i = 0; i < entries; i++) {
    if (u16(ifd0 + 2 + i * 12) === 0x8825) return true;
  }
  return false;
}
