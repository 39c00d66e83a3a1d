/**
 * An uncompressed TIFF header written in front of decoded pixels, to attach an ICC profile to them.
 *
 * Why: the WASM decoder returns bare RGB(A) and ignores the file's colour profile, and sharp has
 * no way to say "these raw pixels are in this profile". A TIFF carries the profile in a tag, and
 * libvips converts a TIFF to sRGB through its embedded profile like any other image. The decode
 * thread writes the pixels straight after the space reserved here, so nothing is copied.
 */

/** Rows per strip: strips of a few hundred KB, so libtiff never needs a buffer the size of the image. */
const ROWS_PER_STRIP = 64;
const HEADER = 8;
const ENTRY = 12;
const MAX_ENTRIES = 12;

function stripCount(height: number): number {
  return Math.ceil(height / ROWS_PER_STRIP);
}

/** Where the pixels start: the header, one IFD, the strip tables, BitsPerSample and the profile, 2-byte aligned. */
export function tiffPrefixLength(height: number, icc: Buffer): number {
  const ifd = 2 + MAX_ENTRIES * ENTRY + 4;
  const tables = 2 * 4 * stripCount(height) + 4 * 2;
  const length = HEADER + ifd + tables + icc.length;
  return length + (length % 2);
}

interface TiffImage {
  width: number;
  height: number;
  channels: 3 | 4;
  icc: Buffer;
}

/** Fills `target[0, tiffPrefixLength)` so that `target` is a TIFF of the pixels that follow. */
export function writeTiffPrefix(target: Buffer, image: TiffImage): void {
  const { width, height, channels, icc } = image;
  const start = tiffPrefixLength(height, icc);
  const strips = stripCount(height);
  const rowBytes = width * channels;
  const entries: [tag: number, type: number, count: number, value: number][] = [];
  let data = HEADER + 2 + MAX_ENTRIES * ENTRY + 4; // out-of-line values go here
  const place = (bytes: number) => {
    const at = data;
    data += bytes;
    return at;
  };
  const offsets = place(4 * strips);
  const counts = place(4 * strips);
  for (let s = 0; s < strips; s++) {
    const rows = Math.min(ROWS_PER_STRIP, height - s * ROWS_PER_STRIP);
    target.writeUInt32LE(start + s * ROWS_PER_STRIP * rowBytes, offsets + 4 * s);
    target.writeUInt32LE(rows * rowBytes, counts + 4 * s);
  }
  const bits = place(2 * 4);
  for (let c = 0; c < 4; c++) target.writeUInt16LE(8, bits + 2 * c);
  const profile = place(icc.length);
  icc.copy(target, profile);

  const SHORT = 3;
  const LONG = 4;
  const UNDEFINED = 7;
  entries.push([256, LONG, 1, width], [257, LONG, 1, height], [258, SHORT, channels, bits], [259, SHORT, 1, 1]);
  entries.push([262, SHORT, 1, 2], [273, LONG, strips, strips === 1 ? start : offsets], [277, SHORT, 1, channels]);
  entries.push([278, LONG, 1, ROWS_PER_STRIP], [279, LONG, strips, strips === 1 ? height * rowBytes : counts], [284, SHORT, 1, 1]);
  // Unassociated alpha: libheif returns straight (not premultiplied) RGBA.
  if (channels === 4) entries.push([338, SHORT, 1, 2]);
  entries.push([34675, UNDEFINED, icc.length, profile]);

  target.write('II', 0, 'latin1');
  target.writeUInt16LE(42, 2);
  target.writeUInt32LE(HEADER, 4);
  target.writeUInt16LE(entries.length, HEADER);
  entries.forEach(([tag, type, count, value], i) => {
    const at = HEADER + 2 + i * ENTRY;
    target.writeUInt16LE(tag, at);
    target.writeUInt16LE(type, at + 2);
    target.writeUInt32LE(count, at + 4);
    // A single SHORT sits in the first two bytes of the value field.
    if (type === SHORT && count === 1) target.writeUInt32LE(value & 0xffff, at + 8);
    else target.writeUInt32LE(value, at + 8);
  });
  target.writeUInt32LE(0, HEADER + 2 + entries.length * ENTRY); // no next IFD
}
