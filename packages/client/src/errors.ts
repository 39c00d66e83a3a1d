/**
 * Codes the client itself gives, for failures that never got an answer from Darkroom. Every other
 * code is the one the API sent (docs/api.md: `invalid_request`, `file_too_large`, `rate_limited`, …).
 */
export const CLIENT_ERROR_CODES = {
  /** The request never got an answer: offline, DNS, refused or reset connection, CORS refusal. */
  network_error: 'network_error',
  /** The caller's `signal` aborted the upload or the wait. */
  aborted: 'aborted',
  /** The bucket refused the bytes (a presigned PUT answered 4xx other than an expired URL). */
  upload_failed: 'upload_failed',
  /** An answer that is not what the contract says: not JSON, or no ETag on a part (CORS must expose it). */
  invalid_response: 'invalid_response',
  /** The input is not usable: no size, no file name or type, a stream shorter or longer than its size. */
  invalid_input: 'invalid_input',
  /** `waitUntilReady`'s `timeoutMs` passed before the asset reached a final status. */
  timeout: 'timeout',
} as const;

export type ClientErrorCode = keyof typeof CLIENT_ERROR_CODES;

/**
 * The one error class the client throws. `code` is the contract's error code when Darkroom answered
 * (`status` is then its HTTP status), else one of CLIENT_ERROR_CODES with `status` 0 (or the bucket's
 * status for `upload_failed`).
 */
export class DarkroomError extends Error {
  override readonly name = 'DarkroomError';
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: { status?: number; details?: Record<string, unknown> | undefined; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? 0;
    this.details = options.details;
  }
}

/** Whether a value is the `{ error: { code, message, details? } }` body of the contract. */
function isErrorBody(body: unknown): body is { error: { code: string; message: string; details?: Record<string, unknown> } } {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}

/** A DarkroomError from an API answer that is not a success. */
export function errorFromResponse(status: number, body: unknown, what: string): DarkroomError {
  if (isErrorBody(body)) {
    const { code, message, details } = body.error;
    return new DarkroomError(code, String(message), { status, details });
  }
  return new DarkroomError('invalid_response', `${what}: HTTP ${status} without an error body`, { status });
}

export function abortError(signal: AbortSignal | undefined): DarkroomError {
  return new DarkroomError('aborted', 'The upload was aborted.', { cause: signal?.reason });
}

/** A failure of fetch itself (no answer) as a DarkroomError; an abort stays an abort. */
export function networkError(error: unknown, what: string, signal?: AbortSignal): DarkroomError {
  if (error instanceof DarkroomError) return error;
  if (signal?.aborted || (error instanceof Error && error.name === 'AbortError')) return abortError(signal);
  const reason = error instanceof Error ? error.message : String(error);
  return new DarkroomError('network_error', `${what}: no answer (${reason}).`, { cause: error });
}
