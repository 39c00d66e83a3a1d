/**
 * Every error code Darkroom puts on the wire, with the HTTP status the API renders it with.
 * Processing codes (the worker's) live here too, because the API shows them on assets and jobs.
 */
export const ErrorCode = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  /** A private URL past its `exp`. */
  expired: 403,
  not_found: 404,
  request_timeout: 408,
  preset_not_found: 404,
  upload_missing: 409,
  invalid_state: 409,
  file_too_large: 413,
  unsupported_media_type: 415,
  content_mismatch: 415,
  size_mismatch: 422,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
  /** Delivery: every render slot stayed busy past DELIVERY_QUEUE_TIMEOUT (with Retry-After). */
  unavailable: 503,
  /** Delivery: more lookups of assets not cached than DELIVERY_LOOKUPS_PER_SECOND (with Retry-After). */
  busy: 503,
  // Processing outcomes recorded on assets and jobs.
  unsupported_format: 422,
  corrupt_image: 422,
  too_many_pixels: 422,
  empty_file: 422,
  storage_unavailable: 503,
  render_timeout: 422,
  corrupt_video: 422,
  unsupported_codec: 422,
  video_too_long: 422,
  corrupt_audio: 422,
  audio_too_long: 422,
  /** A crop given at upload that leaves less than 16×16 of the image the worker found. */
  invalid_crop: 422,
  // Moderation: an asset its checks or a decision rejected, and a job waiting for a scanner.
  content_rejected: 422,
  scanner_unavailable: 503,
  // Imports: why a source, or one item of it, could not be read (an import's or an item's `error`).
  /** A URL or bucket endpoint that resolves to a loopback, private, link-local or metadata address. */
  blocked_address: 422,
  source_not_found: 422,
  source_forbidden: 422,
  source_unreachable: 502,
  /** A bucket source past IMPORT_MAX_ITEMS objects, or answering a listing page past S3's own bounds. */
  source_too_large: 422,
  // Usage: a tenant past one of its quotas (docs/api.md#quotas); an upload start, a video or an import item.
  quota_exceeded: 403,
} as const;

export type ErrorCode = keyof typeof ErrorCode;

/** Codes of media the pipeline cannot take: they fail at once, never retried. */
export const BadMediaCode = [
  'unsupported_format',
  'corrupt_image',
  'too_many_pixels',
  'empty_file',
  'corrupt_video',
  'unsupported_codec',
  'video_too_long',
  'corrupt_audio',
  'audio_too_long',
  'invalid_crop',
] as const satisfies readonly ErrorCode[];
export type BadMediaCode = (typeof BadMediaCode)[number];

/** Codes the worker records when processing fails: bad media, or what outlived its retries. */
export const ProcessingErrorCode = [
  ...BadMediaCode,
  'storage_unavailable',
  'render_timeout',
  'internal_error',
  'quota_exceeded',
] as const satisfies readonly ErrorCode[];
export type ProcessingErrorCode = (typeof ProcessingErrorCode)[number];

/** An error that knows its wire code; the API's error handler renders it as `{ error: { code, message, details } }`. */
export class DarkroomError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'DarkroomError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ErrorCode[this.code];
  }
}

/** Bad media: the worker fails these at once, without retries. */
export class BadMediaError extends DarkroomError {
  constructor(code: BadMediaCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
    this.name = 'BadMediaError';
  }
}

/** Longest internal detail kept; a query with thousands of parameters must not bloat a job row. */
export const ERROR_DETAIL_MAX = 4000;

/**
 * The whole story of a failure, for operators only (logs, the admin job routes): each error's name
 * and message, a DarkroomError's details, then its causes. It may name a bucket, key, host or SQL
 * statement, which is exactly why tenants are shown a sentence of their own instead.
 */
export function errorDetail(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  for (let current = error; current !== undefined && current !== null && !seen.has(current); ) {
    seen.add(current);
    parts.push(describeOne(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  const text = parts.join(' | caused by ');
  return text.length > ERROR_DETAIL_MAX ? `${text.slice(0, ERROR_DETAIL_MAX - 1)}…` : text;
}

function describeOne(error: unknown): string {
  if (!(error instanceof Error)) return typeof error === 'string' ? error : String(JSON.stringify(error) ?? error);
  const details = error instanceof DarkroomError && error.details ? ` ${JSON.stringify(error.details)}` : '';
  return `${error.name}: ${error.message}${details}`;
}
