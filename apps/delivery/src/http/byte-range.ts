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
