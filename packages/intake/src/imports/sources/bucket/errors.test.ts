import { DarkroomError } from '@darkroom/core/errors';
import { StorageAccessDeniedError, StorageError, translateS3Error } from '@darkroom/storage';
import { describe, expect, it } from 'vitest';
import { sourceError } from './errors.js';

/** An error as the SDK throws it: S3's code, the status, and the request it answered. */
const sdkError = (code: string, status?: number) =>
  Object.assign(new Error(code), {
    name: code,
    Code: code,
    $metadata: status === undefined ? {} : { httpStatusCode: status },
    $response: { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=tenant-key/…' } },
  });
const socketError = (code: string) => Object.assign(new Error(`connect ${code} 10.1.2.3:443`), { code });

describe('sourceError', () => {
  it('makes refused credentials source_forbidden, a missing bucket or object source_not_found, a changed one content_mismatch', () => {
    for (const code of ['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied']) {
      expect(sourceError(translateS3Error(sdkError(code, 403))).code, code).toBe('source_forbidden');
    }
    expect(sourceError(translateS3Error(sdkError('NoSuchBucket', 404))).code).toBe('source_not_found');
    expect(sourceError(translateS3Error(sdkError('NoSuchKey', 404))).code).toBe('source_not_found');
    expect(sourceError(translateS3Error(sdkError('PreconditionFailed', 412))).code).toBe('content_mismatch');
  });

  it('says in words why a bucket could not be reached, naming no address', () => {
    const reasons = [
      [socketError('ECONNREFUSED'), 'refused the connection'],
      [socketError('ENOTFOUND'), 'does not resolve'],
      [socketError('ETIMEDOUT'), 'no answer came in time'],
      [socketError('ECONNRESET'), 'the connection was cut'],
      [socketError('DEPTH_ZERO_SELF_SIGNED_CERT'), 'TLS certificate'],
      [sdkError('InternalError', 500), 'HTTP 500'],
      [sdkError('SlowDown', 503), 'slow down'],
      [sdkError('PermanentRedirect', 301), 'another region'],
    ] as const;
    for (const [raw, words] of reasons) {
      const error = sourceError(translateS3Error(raw));
      expect(error.code, words).toBe('source_unreachable');
      expect(error.message).toContain(words);
      expect(error.message).not.toContain('10.1.2.3');
    }
  });

  it('keeps no cause, and passes the import’s own errors and anything else as an import error', () => {
    const error = sourceError(new StorageAccessDeniedError('listObjectsPage b: access denied', { cause: sdkError('AccessDenied', 403) }));
    expect(error.cause).toBeUndefined();
    const own = new DarkroomError('blocked_address', 'no');
    expect(sourceError(own)).toBe(own);
    expect(sourceError(new Error('boom')).code).toBe('source_unreachable');
    expect(sourceError(new StorageError('unknown', 'x')).code).toBe('source_unreachable');
  });
});
