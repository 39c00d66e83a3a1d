/**
 * Storage errors the apps branch on. Every SDK, HTTP or socket error is translated into one of
 * these by `translateS3Error`, so callers never depend on AWS SDK error shapes.
 */
export type StorageErrorKind =
  | 'object_not_found'
  | 'bucket_not_found'
  | 'upload_not_found'
  | 'unavailable'
  | 'access_denied'
  | 'bad_request'
  | 'unknown';

export interface StorageErrorDetails {
  /** The S3 error code (`NoSuchKey`, `SlowDown`…) or socket error code (`ECONNREFUSED`), when known. */
  s3Code?: string | undefined;
  httpStatus?: number | undefined;
  cause?: unknown;
}

export class StorageError extends Error {
  readonly kind: StorageErrorKind;
  readonly s3Code: string | undefined;
  readonly httpStatus: number | undefined;

  constructor(kind: StorageErrorKind, message: string, details: StorageErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'StorageError';
    this.kind = kind;
    this.s3Code = details.s3Code;
    this.httpStatus = details.httpStatus;
  }

  /** Transient: the same request may well succeed later. */
  get retryable(): boolean {
    return this.kind === 'unavailable';
  }
}

export class ObjectNotFoundError extends StorageError {
  constructor(message: string, details?: StorageErrorDetails) {
    super('object_not_found', message, details);
    this.name = 'ObjectNotFoundError';
  }
}

export class BucketNotFoundError extends StorageError {
  constructor(message: string, details?: StorageErrorDetails) {
    super('bucket_not_found', message, details);
    this.name = 'BucketNotFoundError';
  }
}

/** The multipart upload id is unknown: never created, already completed elsewhere, or aborted. */
export class UploadNotFoundError extends StorageError {
  constructor(message: string, details?: StorageErrorDetails) {
    super('upload_not_found', message, details);
    this.name = 'UploadNotFoundError';
  }
}

/** 5xx, throttling, refused or reset connections, timeouts: worth retrying later. */
export class StorageUnavailableError extends StorageError {
  constructor(message: string, details?: StorageErrorDetails) {
    super('unavailable', message, details);
    this.name = 'StorageUnavailableError';
  }
}

/** Wrong key id or secret, bad signature, or a policy that forbids the call: a configuration problem. */
export class StorageAccessDeniedError extends StorageError {
  constructor(message: string, details?: StorageErrorDetails) {
    super('access_denied', message, details);
    this.name = 'StorageAccessDeniedError';
  }
}

/** A range that starts past the object's end (HTTP 416): `size` is the object's, for the answer's `Content-Range`. */
export class ObjectRangeError extends StorageError {
  readonly size: number;
  constructor(message: string, size: number) {
    super('bad_request', message, { httpStatus: 416, s3Code: 'InvalidRange' });
    this.name = 'ObjectRangeError';
    this.size = size;
  }
}

/** An answer longer than its caller takes (a listing page past `maxBodyBytes`): refused before it is parsed, never tried again. */
export class ResponseTooLargeError extends StorageError {
  readonly maxBytes: number;
  constructor(message: string, maxBytes: number) {
    super('bad_request', message, { s3Code: 'ResponseTooLarge' });
    this.name = 'ResponseTooLargeError';
    this.maxBytes = maxBytes;
  }
}

/** Any other refusal (4xx, 501): the request itself is wrong, so retrying it unchanged won't help. */
export class StorageRequestError extends StorageError {
  constructor(message: string, details?: StorageErrorDetails) {
    super('bad_request', message, details);
    this.name = 'StorageRequestError';
  }
}

/**
 * What the failed call was about; it goes into messages (bucket names and keys are ids, never
 * secrets). Those messages are for logs and admins: tenant-facing code says what went wrong in
 * words of its own (the worker's classifyError, `complete`), never with a StorageError's message.
 */
export interface StorageErrorContext {
  operation?: string;
  bucket?: string;
  key?: string;
}

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
const NETWORK_ERROR_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const THROTTLING_CODES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequests', 'RequestLimitExceeded', 'ServiceUnavailable']);
const ACCESS_DENIED_CODES = new Set([
  'AccessDenied',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'InvalidToken',
  'ExpiredToken',
  'RequestTimeTooSkewed',
  'Forbidden',
  'Unauthorized',
]);

interface ErrorFacts {
  code: string | undefined;
  status: number | undefined;
  /** `$fault: 'server'` or `$retryable` from the SDK, for errors without a status. */
  sdkSaysTransient: boolean;
}

function readErrorFacts(err: unknown): ErrorFacts {
  const e = (typeof err === 'object' && err !== null ? err : {}) as Record<string, unknown>;
  const metadata = e.$metadata as { httpStatusCode?: unknown } | undefined;
  const status = typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
  // Socket errors carry their code in `code`; S3 errors in `Code` or `name` ("Unknown" when a HEAD has no body).
  const candidates = [e.Code, e.code, e.name].filter((c): c is string => typeof c === 'string');
  const code = candidates.find((c) => c !== 'Unknown' && c !== 'Error' && c !== 'S3ServiceException');
  const sdkSaysTransient = Boolean(e.$retryable) || e.$fault === 'server';
  return { code, status, sdkSaysTransient };
}

function describe(context: StorageErrorContext): string {
  const where = context.bucket ? ` ${context.bucket}${context.key === undefined ? '' : `/${context.key}`}` : '';
  return `${context.operation ?? 'S3 request'}${where}`;
}

function suffix(facts: ErrorFacts): string {
  const parts = [facts.code, facts.status === undefined ? undefined : `HTTP ${facts.status}`].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function isUnavailable(facts: ErrorFacts): boolean {
  const { code, status } = facts;
  if (code !== undefined && (NETWORK_ERROR_CODES.has(code) || NETWORK_ERROR_NAMES.has(code) || THROTTLING_CODES.has(code))) return true;
  if (status === 429 || (status !== undefined && status >= 500 && status !== 501)) return true;
  return status === undefined && facts.sdkSaysTransient;
}

/**
 * Maps any error thrown by the AWS SDK, lib-storage or the socket layer to a `StorageError`.
 * The original is kept as `cause`; messages are built from codes only, never from request data,
 * so no credential or signed URL can end up in a log line.
 */
export function translateS3Error(err: unknown, context: StorageErrorContext = {}): StorageError {
  if (err instanceof StorageError) return err;
  const facts = readErrorFacts(err);
  const { code, status } = facts;
  const details: StorageErrorDetails = { s3Code: code, httpStatus: status, cause: err };
  const what = describe(context);
  const tail = suffix(facts);

  if (code === 'NoSuchUpload') return new UploadNotFoundError(`${what}: multipart upload not found${tail}`, details);
  if (code === 'NoSuchBucket') return new BucketNotFoundError(`${what}: bucket not found${tail}`, details);
  if (code === 'NoSuchKey' || code === 'NoSuchVersion' || status === 404) {
    return new ObjectNotFoundError(`${what}: not found${tail}`, details);
  }
  if (isUnavailable(facts)) return new StorageUnavailableError(`${what}: storage unavailable${tail}`, details);
  if (status === 401 || status === 403 || (code !== undefined && ACCESS_DENIED_CODES.has(code))) {
    return new StorageAccessDeniedError(`${what}: access denied, check the storage credentials${tail}`, details);
  }
  if (status !== undefined && status >= 400) return new StorageRequestError(`${what}: request refused${tail}`, details);
  return new StorageError('unknown', `${what}: unexpected error${tail}`, details);
}
