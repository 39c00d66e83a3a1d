/**
 * Bounded reading of ISO base media file format (ISO/IEC 14496-12) boxes from untrusted bytes.
 * Every read is checked against the end of its box, so a size field that lies can never make
 * us read outside the bytes we were given; what does not fit throws HeifFormatError.
 */

/** The file's structure is broken or lies about itself: reported as corrupt_image. */
export class HeifFormatError extends Error {
  override readonly name = 'HeifFormatError';
}

export interface Box {
  type: string;
  /** Offset of the payload (after the header) within the buffer it was read from. */
  start: number;
  /** Offset just past the box. */
  end: number;
}

/** A cursor over `data[at, end)` that refuses to read past `end`. */
export class Cursor {
  constructor(
    private readonly data: Buffer,
    public at: number,
    public readonly end: number,
  ) {}

  get remaining(): number {
    return this.end - this.at;
  }

  private take(n: number, what: string): number {
    if (n < 0 || this.at + n > this.end) throw new HeifFormatError(`${what} runs past the end of its box`);
    const at = this.at;
    this.at += n;
    return at;
  }

  u8(what = 'a field'): number {
    return this.data.readUInt8(this.take(1, what));
  }

  u16(what = 'a field'): number {
    return this.data.readUInt16BE(this.take(2, what));
  }

  u32(what = 'a field'): number {
    return this.data.readUInt32BE(this.take(4, what));
  }

  /** An unsigned integer of 0, 4 or 8 bytes (iloc's field sizes); larger than 2^53 is refused. */
  uint(bytes: number, what = 'a field'): number {
    if (bytes === 0) return 0;
    if (bytes === 4) return this.u32(what);
    if (bytes === 8) {
      const value = this.data.readBigUInt64BE(this.take(8, what));
      if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new HeifFormatError(`${what} is too large`);
      return Number(value);
    }
    throw new HeifFormatError(`${what} has an invalid size of ${bytes} bytes`);
  }

  fourcc(what = 'a four-character code'): string {
    const at = this.take(4, what);
    return this.data.toString('latin1', at, at + 4);
  }

  /** A NUL-terminated string, at most to the end of the box. */
  cstring(): string {
    const nul = this.data.indexOf(0, this.at);
    const stop = nul === -1 || nul >= this.end ? this.end : nul;
    const text = this.data.toString('utf8', this.at, stop);
    this.at = Math.min(this.end, stop + 1);
    return text;
  }

  skip(n: number, what = 'a field'): void {
    this.take(n, what);
  }

  /** version (8 bits) and flags (24 bits) of a FullBox. */
  fullBoxHeader(what: string): { version: number; flags: number } {
    const word = this.u32(`${what} header`);
    return { version: word >>> 24, flags: word & 0xffffff };
  }
}

/** Size of a box header and the box's total size, from the bytes at `at` (at most `limit` is the end). */
export function readBoxHeader(data: Buffer, at: number, limit: number): { type: string; headerSize: number; size: number } {
  if (at + 8 > limit) throw new HeifFormatError('a box header runs past the end of its parent');
  const size32 = data.readUInt32BE(at);
  const type = data.toString('latin1', at + 4, at + 8);
  if (size32 === 0) return { type, headerSize: 8, size: limit - at }; // extends to the end of its parent
  if (size32 === 1) {
    if (at + 16 > limit) throw new HeifFormatError(`the '${type}' box header runs past the end of its parent`);
    const large = data.readBigUInt64BE(at + 8);
    if (large > BigInt(Number.MAX_SAFE_INTEGER)) throw new HeifFormatError(`the '${type}' box is too large`);
    return checked(type, 16, Number(large));
  }
  return checked(type, 8, size32);
}

function checked(type: string, headerSize: number, size: number) {
  if (size < headerSize) throw new HeifFormatError(`the '${type}' box is smaller than its own header`);
  return { type, headerSize, size };
}

/**
 * The boxes directly inside `[start, end)`, at most `maxBoxes` of them: a box that claims to end
 * past its parent, or more children than the limit, throws.
 */
export function childBoxes(data: Buffer, start: number, end: number, maxBoxes: number, parent: string): Box[] {
  const boxes: Box[] = [];
  for (let at = start; at < end; ) {
    if (boxes.length >= maxBoxes) throw new HeifFormatError(`the '${parent}' box holds more than ${maxBoxes} boxes`);
    const header = readBoxHeader(data, at, end);
    if (at + header.size > end) throw new HeifFormatError(`the '${header.type}' box runs past the end of '${parent}'`);
    boxes.push({ type: header.type, start: at + header.headerSize, end: at + header.size });
    at += header.size;
  }
  return boxes;
}
