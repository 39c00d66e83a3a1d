/**
 * Files made for their headers (not test files themselves): each claims `width` × `height` in the
 * place its format keeps the size, with just enough around it to be sniffed and walked, and no real
 * pixels. The media tests and the end-to-end refusals (test/hostile) use them. Node only.
 */
import { deflateSync } from 'node:zlib';
import { pngChunk } from './test-fixtures.js';

export type ClaimFormat = 'png' | 'jpeg' | 'gif' | 'webp-vp8' | 'webp-vp8l' | 'webp-vp8x' | 'tiff-le' | 'tiff-be';

export function fileClaiming(format: ClaimFormat, width: number, height: number): Buffer {
  return BUILDERS[format](width, height);
}

/** The content type each format's magic bytes prove. */
export const CLAIM_CONTENT_TYPES: Record<ClaimFormat, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  'webp-vp8': 'image/webp',
  'webp-vp8l': 'image/webp',
  'webp-vp8x': 'image/webp',
  'tiff-le': 'image/tiff',
  'tiff-be': 'image/tiff',
};

const BUILDERS: Record<ClaimFormat, (width: number, height: number) => Buffer> = {
  png: (width, height) => {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(width, 0);
    ihdr.writeUInt32BE(height, 4);
    ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, deflate, adaptive filtering, no interlace
    const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Buffer.alloc(2))), pngChunk('IEND', Buffer.alloc(0))]);
  },
  // SOI, JFIF, a large APP1 (as a camera's Exif) and a quantisation table before the frame header,
  // so the size is found by walking segments, then a scan of nothing.
  jpeg: (width, height) =>
    Buffer.concat([
      Buffer.from([0xff, 0xd8]),
      jpegSegment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
      jpegSegment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), Buffer.alloc(40_000)])),
      jpegSegment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)])),
      jpegSegment(0xc0, Buffer.from([8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0])),
      jpegSegment(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])),
      Buffer.from([0, 0, 0xff, 0xd9]),
    ]),
  gif: (width, height) => {
    const screen = Buffer.alloc(13);
    screen.write('GIF89a', 0, 'latin1');
    screen.writeUInt16LE(width, 6);
    screen.writeUInt16LE(height, 8);
    const image = Buffer.alloc(10);
    image[0] = 0x2c;
    image.writeUInt16LE(width, 5);
    image.writeUInt16LE(height, 7);
    return Buffer.concat([screen, image, Buffer.from([2, 2, 0x44, 0x01, 0, 0x3b])]);
  },
  'webp-vp8': (width, height) => {
    const frame = Buffer.alloc(30);
    frame.set([0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a]); // key frame tag, start code
    frame.writeUInt16LE(width & 0x3fff, 6);
    frame.writeUInt16LE(height & 0x3fff, 8);
    return riffWebp(riffChunk('VP8 ', frame));
  },
  'webp-vp8l': (width, height) => {
    const frame = Buffer.alloc(10);
    frame[0] = 0x2f;
    frame.writeUInt32LE(((width - 1) | ((height - 1) << 14)) >>> 0, 1);
    return riffWebp(riffChunk('VP8L', frame));
  },
  'webp-vp8x': (width, height) => {
    const canvas = Buffer.alloc(10);
    canvas.writeUIntLE(width - 1, 4, 3);
    canvas.writeUIntLE(height - 1, 7, 3);
    return riffWebp(Buffer.concat([riffChunk('VP8X', canvas), riffChunk('VP8L', Buffer.from([0x2f, 0, 0, 0, 0]))]));
  },
  'tiff-le': (width, height) => tiff(width, height, false),
  'tiff-be': (width, height) => tiff(width, height, true),
};

function jpegSegment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

function riffChunk(id: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(id, 0, 'latin1');
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data, Buffer.alloc(data.length % 2)]);
}

function riffWebp(chunks: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(chunks.length + 4, 4);
  head.write('WEBP', 8, 'latin1');
  return Buffer.concat([head, chunks]);
}

/** One directory of eight entries (width and height as LONGs), then a strip of 8 bytes. */
function tiff(width: number, height: number, bigEndian: boolean): Buffer {
  const entries: [tag: number, type: number, value: number][] = [
    [256, 4, width],
    [257, 4, height],
    [258, 3, 8],
    [259, 3, 1],
    [262, 3, 1],
    [273, 4, 0], // the strip's offset, set below
    [278, 4, height],
    [279, 4, 8],
  ];
  const directory = 8;
  const strip = directory + 2 + entries.length * 12 + 4;
  const out = Buffer.alloc(strip + 8);
  const u16 = (value: number, at: number) => (bigEndian ? out.writeUInt16BE(value, at) : out.writeUInt16LE(value, at));
  const u32 = (value: number, at: number) => (bigEndian ? out.writeUInt32BE(value, at) : out.writeUInt32LE(value, at));
  out.write(bigEndian ? 'MM' : 'II', 0, 'latin1');
  u16(42, 2);
  u32(directory, 4);
  u16(entries.length, directory);
  entries.forEach(([tag, type, value], i) => {
    const at = directory + 2 + i * 12;
    u16(tag, at);
    u16(type, at + 2);
    u32(1, at + 4);
    if (type === 3) u16(value, at + 8);
    else u32(tag === 273 ? strip : value, at + 8);
  });
  return out;
}
