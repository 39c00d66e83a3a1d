import { ERRORS } from '@darkroom/core/error-factories';
import { type ByteSource, openSource } from './byte-source.js';
import type { ImageInput } from './types.js';

/**
 * The size an image's header claims, read by us before libvips sees the file. libvips refuses some
 * claims itself, before it reports them (libspng's row limit, libwebp's and libtiff's largest
 * dimensions, a JPEG frame header without a scan), and calls the file corrupt: read here first, a
 * header claiming more pixels than the limit is too_many_pixels, whatever a decoder would say of it.
 * HEIF containers have their own reader (heif/header.ts). What these readers cannot make sense of
 * they leave to libvips (null), which then says what is wrong with the file.
 */
export interface ClaimedSize {
  width: number;
  height: number;
}

/** Segments walked before a JPEG's frame header; camera files have a handful (APPn, DQT, DHT…). */
const MAX_JPEG_SEGMENTS = 1024;
/** Entries read of a TIFF's first directory; real files have a few dozen. */
const MAX_TIFF_ENTRIES = 1024;

type Reader = (source: ByteSource) => Promise<ClaimedSize | null>;

const READERS: Record<string, Reader> = {
  'image/png': pngSize,
  'image/gif': gifSize,
  'image/webp': webpSize,
  'image/jpeg': jpegSize,
  'image/tiff': tiffSize,
};

/** Refuses, as too_many_pixels, a file whose header claims more than `maxInputPixels` (one frame's worth). */
export async function assertClaimedPixels(input: ImageInput, contentType: string, maxInputPixels: number): Promise<void> {
  const claimed = await readClaimedSize(input, contentType);
  if (claimed && claimed.width * claimed.height > maxInputPixels) {
    throw ERRORS.tooManyPixels(claimed.width, claimed.height, 1, maxInputPixels);
  }
}

/** The stored width and height the header of a file of `contentType` (as its magic bytes prove) claims. */
export async function readClaimedSize(input: ImageInput, contentType: string): Promise<ClaimedSize | null> {
  const reader = READERS[contentType];
  if (!reader) return null;
  const source = await openSource(input);
  try {
    return await reader(source);
  } finally {
    await source.close();
  }
}

const sized = (width: number, height: number): ClaimedSize | null => (width > 0 && height > 0 ? { width, height } : null);

/** IHDR, which must be the first chunk: width and height as 32-bit big-endian numbers. */
async function pngSize(source: ByteSource): Promise<ClaimedSize | null> {
  const head = await source.read(0, 24);
  if (head.length < 24 || head.toString('latin1', 12, 16) !== 'IHDR') return null;
  return sized(head.readUInt32BE(16), head.readUInt32BE(20));
}

/** The logical screen, which every frame is drawn on. */
async function gifSize(source: ByteSource): Promise<ClaimedSize | null> {
  const head = await source.read(0, 10);
  if (head.length < 10) return null;
  return sized(head.readUInt16LE(6), head.readUInt16LE(8));
}

/** The first chunk after `RIFF…WEBP`: a lossy frame (VP8), a lossless one (VP8L) or the extended canvas (VP8X). */
async function webpSize(source: ByteSource): Promise<ClaimedSize | null> {
  const head = await source.read(0, 30);
  if (head.length < 30) return null;
  switch (head.toString('latin1', 12, 16)) {
    case 'VP8 ':
      // A key frame: 3 bytes of frame tag, the start code, then 14-bit width and height (2 bits of scale above).
      if (head[23] !== 0x9d || head[24] !== 0x01 || head[25] !== 0x2a) return null;
      return sized(head.readUInt16LE(26) & 0x3fff, head.readUInt16LE(28) & 0x3fff);
    case 'VP8L': {
      if (head[20] !== 0x2f) return null;
      const bits = head.readUInt32LE(21);
      return sized((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
    }
    case 'VP8X':
      return sized(head.readUIntLE(24, 3) + 1, head.readUIntLE(27, 3) + 1);
    default:
      return null;
  }
}

/** Start-of-frame markers (SOF0–SOF15 but DHT, JPG and DAC): precision, then height and width. */
const isFrameHeader = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
/** Markers without a length: TEM, RST0–7, SOI. */
const isStandalone = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8);

/** The first frame header, found by walking the segments before it (each says its own length). */
async function jpegSize(source: ByteSource): Promise<ClaimedSize | null> {
  let at = 2;
  for (let segment = 0; segment < MAX_JPEG_SEGMENTS && at < source.size; segment++) {
    const head = await source.read(at, 9);
    if (head.length < 2 || head[0] !== 0xff) return null;
    const marker = head[1]!;
    if (marker === 0xff || isStandalone(marker)) {
      // A fill byte before a marker, or a marker with no segment.
      at += marker === 0xff ? 1 : 2;
      continue;
    }
    // A scan or the end before any frame header: nothing to read here (a height of 0 waits for DNL too).
    if (head.length < 4 || marker === 0xda || marker === 0xd9) return null;
    if (isFrameHeader(marker)) return head.length < 9 ? null : sized(head.readUInt16BE(7), head.readUInt16BE(5));
    at += 2 + head.readUInt16BE(2);
  }
  return null;
}

/** ImageWidth (256) and ImageLength (257) of the first directory, the page that is rendered. */
async function tiffSize(source: ByteSource): Promise<ClaimedSize | null> {
  const head = await source.read(0, 8);
  if (head.length < 8) return null;
  const big = head.toString('latin1', 0, 2) === 'MM';
  const u16 = (buffer: Buffer, at: number) => (big ? buffer.readUInt16BE(at) : buffer.readUInt16LE(at));
  const u32 = (buffer: Buffer, at: number) => (big ? buffer.readUInt32BE(at) : buffer.readUInt32LE(at));
  const directory = u32(head, 4);
  const countBytes = await source.read(directory, 2);
  if (countBytes.length < 2) return null;
  const count = u16(countBytes, 0);
  if (count > MAX_TIFF_ENTRIES) return null;
  const entries = await source.read(directory + 2, count * 12);
  const found = new Map<number, number>();
  for (let at = 0; at + 12 <= entries.length; at += 12) {
    const tag = u16(entries, at);
    if (tag !== 256 && tag !== 257) continue;
    const type = u16(entries, at + 2);
    // SHORT or LONG, one value, stored in the entry itself.
    if (u32(entries, at + 4) !== 1 || (type !== 3 && type !== 4)) return null;
    found.set(tag, type === 3 ? u16(entries, at + 8) : u32(entries, at + 8));
  }
  return sized(found.get(256) ?? 0, found.get(257) ?? 0);
}
