import { DarkroomError } from '@darkroom/core/errors';
import { ERRORS } from '@darkroom/core/error-factories';
import { StorageError } from '@darkroom/storage';

/**
 * What a tenant's bucket said, in the import's own errors. Built from the storage error's kind,
 * code and status alone, and with no `cause`: the SDK's error holds the request it answered
 * (signed headers, the endpoint's address), which must reach no log line or answer.
 */

const UNRESOLVED = new Set(['ENOTFOUND', 'EAI_AGAIN']);
const REFUSED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);
const TIMED_OUT = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'UND_ERR_CONNECT_TIMEOUT']);
const CUT = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'UND_ERR_SOCKET', 'ERR_STREAM_PREMATURE_CLOSE']);
const SLOW_DOWN = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequests', 'RequestLimitExceeded']);
/** What S3 and B2 answer a request signed for another region, or sent to another region's endpoint. */
const WRONG_REGION = new Set(['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException']);

/** A TLS failure's code (Node's and OpenSSL's), e.g. a self-signed or expired certificate, or one for another name. */
const isTlsFailure = (code: string) => /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(code);

/** A few words on why the bucket could not be read, for `source_unreachable`'s sentence. */
export function unreachableReason(error: StorageError): string {
  const code = error.s3Code ?? '';
  if (UNRESOLVED.has(code)) return 'the endpoint’s host name does not resolve';
  if (REFUSED.has(code)) return 'the endpoint refused the connection';
  if (TIMED_OUT.has(code)) return 'no answer came in time';
  if (CUT.has(code)) return 'the connection was cut';
  if (isTlsFailure(code)) return 'the endpoint’s TLS certificate was refused';
  if (SLOW_DOWN.has(code) || error.httpStatus === 429) return 'the bucket asked to slow down';
  if (WRONG_REGION.has(code) || error.httpStatus === 301)
    return 'the bucket is in another region, or behind another endpoint: check the region and endpoint';
  if (error.httpStatus !== undefined) return `the bucket answered HTTP ${error.httpStatus}`;
  return 'the connection failed';
}

/**
 * Any error met reading a tenant's bucket as the import's error: refused credentials are
 * `source_forbidden`, a missing bucket or object `source_not_found`, a changed object
 * `content_mismatch`, anything else `source_unreachable`. The import's own errors pass as they are.
 */
export function sourceError(error: unknown): DarkroomError {
  if (error instanceof DarkroomError) return error;
  if (!(error instanceof StorageError)) return ERRORS.sourceUnreachable('bucket', 'an unexpected error');
  if (error.kind === 'access_denied') return ERRORS.sourceForbidden('bucket');
  if (error.kind === 'bucket_not_found' || error.kind === 'object_not_found') return ERRORS.sourceNotFound('bucket');
  if (error.httpStatus === 412) return ERRORS.sourceChanged();
  return ERRORS.sourceUnreachable('bucket', unreachableReason(error));
}
