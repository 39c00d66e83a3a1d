import { crc32, deflateRawSync } from 'node:zlib';
import { pngChunk } from '../../packages/media/src/test-fixtures.js';

/**
 * Ways to hide bytes in a media file that still passes as its type: after its last structure, in a
 * ZIP appended to it, in its metadata (EXIF, XMP, ID3), in a comment. Each writes the format's own
 * structure by hand, so what the hostile set holds is exactly what its test says it holds.
 */

/** The EICAR test file (eicar.org): every scanner's harmless "virus". Built from parts, so this source is no match itself. */
export const EICAR = Buffer.from(`X5O!P%@AP[4\\PZX54(P^)7CC)7}$${'EICAR-STANDARD'}-ANTIVIRUS-TEST-FILE!$H+H*`, 'latin1');

const u16le = (value: number) => Buffer.from([value & 0xff, value >> 8]);
const u32le = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  return bytes;
};
const u16be = (value: number) => Buffer.from([value >> 8, value & 0xff]);
const u32be = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
};

export interface ZipEntry {
  name: string;
  data: Buffer;
  /** Deflated, so the entry's bytes appear nowhere in the file: only a scanner that opens the ZIP sees them. */
  deflate: boolean;
}

/** A ZIP archive (PKWARE APPNOTE 4.3): local headers, the central directory, its end record; dated 1980-01-01. */
export function zipArchive(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const stored = entry.deflate ? deflateRawSync(entry.data) : entry.data;
    // version needed, flags, method, time, date, CRC-32, compressed size, size, name length, extra length
    const common = Buffer.concat([
      ...[u16le(20), u16le(0), u16le(entry.deflate ? 8 : 0), u16le(0), u16le(0x21)],
      ...[u32le(crc32(entry.data)), u32le(stored.length), u32le(entry.data.length), u16le(name.length), u16le(0)],
    ]);
    const local = Buffer.concat([u32le(0x04034b50), common, name, stored]);
    // version made by, the common fields, comment length, disk, internal and external attributes, local header offset
    const central = [u32le(0x02014b50), u16le(20), common, u16le(0), u16le(0), u16le(0), u32le(0), u32le(offset), name];
    centrals.push(Buffer.concat(central));
    locals.push(local);
    offset += local.length;
  }
  const directory = Buffer.concat(centrals);
  const count = u16le(entries.length);
  const end = Buffer.concat([u32le(0x06054b50), u16le(0), u16le(0), count, count, u32le(directory.length), u32le(offset), u16le(0)]);
  return Buffer.concat([...locals, directory, end]);
}

/** `data` in an archive in an archive in an archive (each level a ZIP entry of the one outside it). */
export function nestedZip(data: Buffer, depth: number, deflate: boolean): Buffer {
  let inner = zipArchive([{ name: 'eicar.com', data, deflate }]);
  for (let level = 1; level < depth; level++) inner = zipArchive([{ name: `level-${level}.zip`, data: inner, deflate }]);
  return inner;
}

/** A JPEG segment (marker, big-endian length counting itself, payload) right after SOI. */
export function withJpegSegment(jpeg: Buffer, marker: number, payload: Buffer): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG');
  const segment = Buffer.concat([Buffer.from([0xff, marker]), u16be(payload.length + 2), payload]);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

/** An APP1 Exif segment whose Exif IFD holds `text` as UserComment (tag 0x9286, ASCII character code). */
export function exifUserComment(text: Buffer): Buffer {
  const comment = Buffer.concat([Buffer.from('ASCII\0\0\0'), text]);
  const entry = (tag: number, type: number, count: number, value: number) => Buffer.concat([u16le(tag), u16le(type), u32le(count), u32le(value)]);
  // TIFF header (little-endian, IFD0 at 8); IFD0: ExifIFD pointer → 26; Exif IFD: UserComment's data at 44.
  const tiff = Buffer.concat([
    Buffer.from('II*\0'),
    u32le(8),
    ...[u16le(1), entry(0x8769, 4, 1, 26), u32le(0)],
    ...[u16le(1), entry(0x9286, 7, comment.length, 44), u32le(0)],
    comment,
  ]);
  return Buffer.concat([Buffer.from('Exif\0\0'), tiff]);
}

/** An XMP packet whose `dc:description` is `text`. */
export function xmpPacket(text: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from('<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'),
    Buffer.from('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'),
    Buffer.from('<dc:description><rdf:Alt><rdf:li xml:lang="x-default">'),
    text,
    Buffer.from('</rdf:li></rdf:Alt></dc:description></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'),
  ]);
}

/** XMP as a JPEG's APP1 segment (Adobe's namespace, then the packet). */
export const jpegXmpSegment = (text: Buffer) => Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0'), xmpPacket(text)]);

/** A PNG with `chunk` inserted before IEND (the last 12 bytes). */
export function withPngChunk(png: Buffer, type: string, data: Buffer): Buffer {
  const iend = png.length - 12;
  if (png.subarray(iend + 4, iend + 8).toString('latin1') !== 'IEND') throw new Error('no IEND at the end of the PNG');
  return Buffer.concat([png.subarray(0, iend), pngChunk(type, data), png.subarray(iend)]);
}

/** XMP as a PNG `iTXt` chunk (keyword `XML:com.adobe.xmp`, uncompressed). */
export const pngXmpChunk = (text: Buffer) => Buffer.concat([Buffer.from('XML:com.adobe.xmp\0\0\0\0\0'), xmpPacket(text)]);

/** An ID3v2.3 tag with one `COMM` frame (ISO-8859-1, English) before the MP3's own bytes. */
export function withId3Comment(mp3: Buffer, text: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from([0]), Buffer.from('eng'), Buffer.from([0]), text]);
  const frame = Buffer.concat([Buffer.from('COMM'), u32be(body.length), u16be(0), body]);
  // The tag's size is "syncsafe": seven bits a byte.
  const size = frame.length;
  const syncsafe = Buffer.from([(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f]);
  return Buffer.concat([Buffer.from('ID3'), Buffer.from([3, 0, 0]), syncsafe, frame, mp3]);
}

/** An ISO-BMFF `free` box holding `data`, for the end of an MP4. */
export const freeBox = (data: Buffer) => Buffer.concat([u32be(data.length + 8), Buffer.from('free'), data]);

/** A WAV with a `junk` chunk appended and the RIFF size grown to count it. */
export function withWavChunk(wav: Buffer, data: Buffer): Buffer {
  const padded = data.length % 2 === 0 ? data : Buffer.concat([data, Buffer.alloc(1)]);
  const out = Buffer.concat([wav, Buffer.from('junk'), u32le(data.length), padded]);
  out.writeUInt32LE(out.length - 8, 4);
  return out;
}
