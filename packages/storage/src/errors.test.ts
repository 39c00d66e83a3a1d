import { describe, expect, it } from 'vitest';
import {
  BucketNotFoundError,
  ObjectNotFoundError,
  StorageAccessDeniedError,
  StorageError,
  StorageRequestError,
  StorageUnavailableError,
  UploadNotFoundError,
  translateS3Error,
} from './errors.js';

// Shapes as the AWS SDK v3 and Node's socket layer produce them (observed against Ceph RGW).
const s3Error = (name: string, status: number) => Object.assign(new Error('UnknownError'), { name, $metadata: { httpStatusCode: status } });
const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });

describe('translateS3Error', () => {
  it.each([
    [s3Error('NotFound', 404), ObjectNotFoundError],
    [s3Error('NoSuchKey', 404), ObjectNotFoundError],
    [s3Error('NoSuchBucket', 404), BucketNotFoundError],
    [s3Error('NoSuchUpload', 404), UploadNotFoundError],
    [s3Error('InternalError', 500), StorageUnavailableError],
    [s3Error('ServiceUnavailable', 503), StorageUnavailableError],
    [s3Error('SlowDown', 503), StorageUnavailableError],
    [s3Error('TooManyRequests', 429), StorageUnavailableError],
    [s3Error('RequestTimeout', 400), StorageUnavailableError],
    [socketError('ECONNREFUSED'), StorageUnavailableError],
    [socketError('ECONNRESET'), StorageUnavailableError],
    [Object.assign(new Error('timed out'), { name: 'TimeoutError' }), StorageUnavailableError],
    [s3Error('SignatureDoesNotMatch', 403), StorageAccessDeniedError],
    [s3Error('InvalidAccessKeyId', 403), StorageAccessDeniedError],
    [s3Error('Unknown', 403), StorageAccessDeniedError],
    [s3Error('InvalidPart', 400), StorageRequestError],
    [s3Error('EntityTooSmall', 400), StorageRequestError],
    [s3Error('InvalidRange', 416), StorageRequestError],
    [s3Error('NotImplemented', 501), StorageRequestError],
  ])('%o → %o', (err, expected) => {
    const translated = translateS3Error(err);
    expect(translated).toBeInstanceOf(expected);
    expect(translated.cause).toBe(err);
  });

  it('marks only unavailability as retryable', () => {
    expect(translateS3Error(socketError('ECONNRESET')).retryable).toBe(true);
    expect(translateS3Error(s3Error('NoSuchKey', 404)).retryable).toBe(false);
  });

  it('keeps codes and context in the message', () => {
    const error = translateS3Error(s3Error('NoSuchKey', 404), { operation: 'headObject', bucket: 'b', key: 'k' });
    expect(error.message).toBe('headObject b/k: not found (NoSuchKey, HTTP 404)');
    expect(error.s3Code).toBe('NoSuchKey');
    expect(error.httpStatus).toBe(404);
  });

  it('returns StorageErrors unchanged and wraps anything else', () => {
    const original = new StorageRequestError('x');
    expect(translateS3Error(original)).toBe(original);
    const unknown = translateS3Error(new TypeError('boom'));
    expect(unknown).toBeInstanceOf(StorageError);
    expect(unknown.kind).toBe('unknown');
  });
});
