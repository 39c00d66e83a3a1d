import { ERRORS } from '@darkroom/core/error-factories';

/**
 * A bucket source's listing page as a stranger's server may send it, kept to what S3 itself would:
 * an import's listing must end, and list each key once. Apart from client.ts, so the rules are
 * read (and unit-tested) in one place.
 */

/** Keys a page holds at most: S3's own cap, and what the listing asks for. */
export const SOURCE_PAGE_SIZE = 1000;
/**
 * Bytes a page's answer may have, read before the SDK parses it: 1,000 keys of S3's longest (1,024
 * bytes), each with its ETag, size, date and storage class, come to well under 2 MiB.
 */
export const MAX_LISTING_PAGE_BYTES = 4 * 1024 * 1024;
/** S3's longest key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/** S3's order of keys: their UTF-8 bytes, which JavaScript's string order (UTF-16 code units) is not past U+FFFF. */
export const compareKeys = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** What of a listed object these checks read. */
interface ListedObject {
  key: string;
  size: number;
  etag?: string | undefined;
}

/** A page as the server answered it: its objects in the order it sent them, and whether it says more follow. */
export interface AnsweredPage<T extends ListedObject> {
  objects: T[];
  truncated: boolean;
}

/**
 * The objects of a page that move the listing forward, and the cursor of the next page (null after
 * the last). Refused (`source_too_large`) when the page holds more than SOURCE_PAGE_SIZE objects, a
 * key longer than S3's or holding a NUL, an ETag holding a NUL, or a size that is no whole number
 * of bytes; a key outside the prefix, or not after the cursor and every key kept before it (in UTF-8
 * byte order), is dropped: it was listed already, or is no part of the source. A page that says more
 * follow but keeps no key would be asked for again as it is, for ever: refused (`source_unreachable`).
 */
export function keptPage<T extends ListedObject>(
  page: AnsweredPage<T>,
  cursor: string | null,
  prefix: string,
): { objects: T[]; next: string | null } {
  if (page.objects.length > SOURCE_PAGE_SIZE) throw ERRORS.listingPageTooLarge(`more than ${SOURCE_PAGE_SIZE} objects`);
  if (page.objects.some((o) => Buffer.byteLength(o.key) > MAX_KEY_BYTES))
    throw ERRORS.listingPageTooLarge(`a key longer than ${MAX_KEY_BYTES} bytes`);
  // XML cannot carry a NUL, and Postgres stores none: such a key or ETag failed the page's recording as an internal error.
  if (page.objects.some((o) => o.key.includes('\u0000'))) throw ERRORS.listingPageTooLarge('a key holding a NUL character');
  if (page.objects.some((o) => o.etag?.includes('\u0000'))) throw ERRORS.listingPageTooLarge('an ETag holding a NUL character');
  // A size recorded as it came: a fraction or one past 2^53 failed the page's recording, a negative one made negative counts.
  if (page.objects.some((o) => !Number.isSafeInteger(o.size) || o.size < 0))
    throw ERRORS.listingPageTooLarge('an object size that is not a whole number of bytes');
  const objects: T[] = [];
  let last = cursor;
  for (const object of page.objects) {
    if (!object.key.startsWith(prefix) || (last !== null && compareKeys(object.key, last) <= 0)) continue;
    objects.push(object);
    last = object.key;
  }
  if (!page.truncated) return { objects, next: null };
  if (last === cursor) throw ERRORS.sourceUnreachable('bucket', 'its listing does not move on past the keys it already listed');
  return { objects, next: last };
}
