/**
 * `Range` as RFC 9110 has it, for one range: `bytes=a-b`, `bytes=a-`, `bytes=-n`. Several ranges, or
 * a malformed or reversed one, are ignored (the whole object, `200`), as the RFC allows.
 */
export type ByteRange = { start: number; end: number | undefined } | { suffix: number };

const SINGLE = /^bytes=(\d{1,15})-(\d{0,15})$|^bytes=-(\d{1,15})$/;

/** The one range a header asks for, or null: the header absent, several ranges, malformed or reversed. */
export function parseByteRange(header: string | undefined): ByteRange | null {
  if (!header) return null;
  const match = SINGLE.exec(header.trim());
  if (!match) return null;
  const [, from, to, suffix] = match;
  if (suffix !== undefined) {
    const length = Number(suffix);
    return length > 0 ? { suffix: length } : null;
  }
  const start = Number(from);
  const end = to ? Number(to) : undefined;
  if (end !== undefined && end < start) return null;
  return { start, end };
}

/**
 * A request's one range with its `If-Range` (RFC 9110 §13.1.5): the range is answered only of the
 * object whose strong ETag `ifRange` names, the whole object (`200`) otherwise, so a read resumed
 * after the object was rewritten in place (an interim master playlist, then the final one) is never
 * a slice of the new object spliced onto the start of the old.
 */
export interface RangeRequest {
  range: ByteRange;
  /** The strong ETag the client holds part of; undefined when it sent no If-Range. */
  ifRange: string | undefined;
}

/** One strong ETag: a quoted string, no `W/`. */
const STRONG_ETAG = /^"[^"]*"$/;

/**
 * `Range` and `If-Range` as sent, or null for the whole object: no range (parseByteRange), or an
 * If-Range that can name no object: a weak ETag, or a date (two writes of an object within one
 * second keep one Last-Modified, so a date cannot tell the object the client read from the new one).
 */
export function parseRangeRequest(headers: { range?: string | undefined; 'if-range'?: string | undefined }): RangeRequest | null {
  const range = parseByteRange(headers.range);
  if (!range) return null;
  const ifRange = headers['if-range']?.trim();
  if (ifRange === undefined) return { range, ifRange };
  return STRONG_ETAG.test(ifRange) ? { range, ifRange } : null;
}

/** Whether the range is answered of the object with this ETag: always without If-Range, else only of the object it names. */
export function rangeHolds(request: RangeRequest, etag: string | undefined): boolean {
  return request.ifRange === undefined || request.ifRange === etag;
}

/** The header's value as the bucket takes it (one range, already checked). */
export function byteRangeHeader(range: ByteRange): string {
  return 'suffix' in range ? `bytes=-${range.suffix}` : `bytes=${range.start}-${range.end ?? ''}`;
}

/** The inclusive offsets a range stands for in an object of `size` bytes; null when it starts past the end (416). */
export function resolveByteRange(range: ByteRange, size: number): { start: number; end: number } | null {
  if ('suffix' in range) return size === 0 ? null : { start: Math.max(0, size - range.suffix), end: size - 1 };
  if (range.start >= size) return null;
  return { start: range.start, end: Math.min(range.end ?? size - 1, size - 1) };
}
