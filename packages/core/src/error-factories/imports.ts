import { DarkroomError } from '../errors.js';

/** What of a source an error names: a URL item, or a bucket source (its listing, or one object). */
export type ImportSourceKind = 'url' | 'bucket';

const place = (kind: ImportSourceKind) => (kind === 'url' ? 'the server at this URL' : 'the source bucket');

/**
 * Why an import, or one item of it, could not be taken (`POST /v1/imports`, an import's `error`, an
 * item's `error`). Each sentence says what a person can do about it; none names an address the
 * source resolved to, a credential, or the deployment's buckets.
 */
export const IMPORT_ERRORS = {
  blockedAddress: (what: string) =>
    new DarkroomError(
      'blocked_address',
      `${what} resolves to a loopback, private, link-local or metadata address, which Darkroom does not fetch from: use a public address.`,
    ),
  /** `scheme`: the URL's, as `URL.protocol` writes it (`file:`), for a URL given or one a redirect led to. */
  schemeNotFetched: (scheme: string) =>
    new DarkroomError(
      'blocked_address',
      `This URL, or a redirect from it, leads to a ${scheme} URL, which Darkroom does not fetch from: import http:// and https:// URLs only.`,
      { scheme },
    ),
  sourceNotFound: (kind: ImportSourceKind) =>
    new DarkroomError(
      'source_not_found',
      kind === 'url'
        ? 'The server at this URL answered that there is no such file (404 or 410): check the URL.'
        : 'The source bucket, or this object in it, does not exist: check the bucket name, region and prefix.',
    ),
  sourceForbidden: (kind: ImportSourceKind) =>
    new DarkroomError(
      'source_forbidden',
      kind === 'url'
        ? 'The server at this URL refused to send the file (401 or 403): check that the URL is public, or that its signature has not expired.'
        : 'The source bucket refused these credentials: check the key ID and secret, and that they may list and read the bucket.',
    ),
  /** `reason`: what happened, in a few words a person reads ("no answer within 10 s"). */
  sourceUnreachable: (kind: ImportSourceKind, reason: string) =>
    new DarkroomError('source_unreachable', `Could not read from ${place(kind)}: ${reason}. Try the import again later.`, { reason }),
  /** `received`: the bytes that came, or 'more' when the server went on past what it announced. */
  lengthMismatch: (announced: number, received: number | 'more') =>
    new DarkroomError(
      'content_mismatch',
      `The server announced ${announced} bytes (Content-Length) but sent ${received === 'more' ? 'more' : received}: the file is not taken, as it may be cut short or padded.`,
      { announced },
    ),
  /** A body that announced no size (chunked, or up to the connection's close) and went past the limit while streaming. */
  sourceTooLarge: (maxBytes: number) =>
    new DarkroomError(
      'file_too_large',
      `The file is larger than this tenant's limit of ${maxBytes} bytes (the server sent more without announcing its size).`,
      { maxBytes },
    ),
  /** A bucket object whose ETag is no longer the one it was listed with: it was replaced during the import. */
  sourceChanged: () =>
    new DarkroomError(
      'content_mismatch',
      'The object changed in the source bucket while it was being imported: run the import again to take its new version.',
    ),
  /** A bucket source that lists more objects than one import takes. */
  importTooLarge: (maxItems: number) =>
    new DarkroomError(
      'source_too_large',
      `The source holds more than ${maxItems} objects, the most one import takes on this deployment (IMPORT_MAX_ITEMS): import it a prefix at a time. What this import brought in stays, and another import skips it.`,
      { maxItems },
    ),
  /** A listing page past what an S3 server sends: `what` says which bound ("more than 1000 objects"). */
  listingPageTooLarge: (what: string) =>
    new DarkroomError('source_too_large', `The source bucket answered a listing page with ${what}, which no S3 server sends: check the endpoint.`),
  /** The sealed keys of a bucket source could not be opened: the deployment's sealing key (WEBHOOK_SECRET_KEY) changed since. */
  sourceKeysUnreadable: () =>
    new DarkroomError(
      'source_forbidden',
      "This import's source keys can no longer be read (the deployment's sealing key changed): start the import again with them. What it brought in stays, and the new import skips it.",
    ),
  /** A paused import whose keys were deleted after `days` (IMPORT_PAUSED_KEEP_DAYS). */
  sourceKeysExpired: (days: number) =>
    new DarkroomError(
      'source_forbidden',
      `The import stayed paused more than ${days} days (IMPORT_PAUSED_KEEP_DAYS), so its source keys were deleted: start the import again with them. What it brought in stays, and the new import skips it.`,
      { days },
    ),
  unknownMediaType: () =>
    new DarkroomError(
      'unsupported_media_type',
      'The file is not an image, video or audio file of a known type (taken from its bytes, not its name or headers).',
    ),
  tooManyImportItems: (count: number, limit: number) =>
    new DarkroomError('invalid_request', `An import takes at most ${limit} items; this one has ${count}: split the list into several imports.`, {
      limit,
    }),
  /** `problem`: what is wrong with the item, as the end of a sentence ("is not an http or https URL"). */
  importItemNotValid: (index: number, field: string, problem: string) =>
    new DarkroomError('invalid_request', `source.items[${index}].${field} ${problem}.`, { index, field }),
  importMetadataTooLarge: (index: number | null, bytes: number, maxBytes: number) =>
    new DarkroomError(
      'invalid_request',
      `${index === null ? 'The import' : `source.items[${index}]`}'s metadata, merged with the import's and its import block, is ${bytes} bytes as JSON; an asset keeps at most ${maxBytes}.`,
      { ...(index === null ? {} : { index }), maxBytes },
    ),
  /** `field`: `source.bucket` or `source.endpoint`; `problem`: what is wrong with it, as the end of a sentence. */
  importSourceNotValid: (field: string, problem: string) => new DarkroomError('invalid_request', `${field} ${problem}.`, { field }),
  importNotFound: () => new DarkroomError('not_found', 'No such import.'),
  importFinished: (status: string) =>
    new DarkroomError('invalid_state', `The import is ${status}: it can no longer be paused, resumed or canceled.`, { status }),
  ownBucketAsSource: () =>
    new DarkroomError('invalid_request', "A source can't be one of this Darkroom's own buckets: name the bucket your library is in."),
};
