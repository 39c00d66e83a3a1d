import { BadMediaError } from '@darkroom/core';
import { translateS3Error } from '@darkroom/storage';
import { describe, expect, it } from 'vitest';
import { classifyError } from './classify-error.js';

const BUCKET = 'darkroom-originals';
const KEY = 'tenants/7f0c/assets/01J9/original';
const s3Error = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

/** Every internal name a raw error may carry; none may reach a tenant. */
function expectClean(message: string) {
  for (const internal of [BUCKET, KEY, 'insert into', 'params:', '127.0.0.1', '    at ']) expect(message).not.toContain(internal);
}

describe('classifyError', () => {
  it('tells the tenant the original is missing, and keeps the bucket and key for admins', () => {
    const failure = classifyError(translateS3Error(s3Error('NoSuchKey', 404), { operation: 'getStream', bucket: BUCKET, key: KEY }));
    expect(failure).toMatchObject({ code: 'internal_error', retryable: true });
    expectClean(failure.message);
    expect(failure.message).toMatch(/missing/);
    expect(failure.detail).toContain(`${BUCKET}/${KEY}`);
  });

  it('hides the SQL of a database error and any other storage refusal', () => {
    const sqlError = new Error(`Failed query: insert into "variants" ("asset_id") values ($1)\nparams: ${KEY}`, {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { name: 'PostgresError' }),
    });
    const refused = translateS3Error(s3Error('AccessDenied', 403), { operation: 'putObject', bucket: BUCKET, key: KEY });
    for (const error of [sqlError, refused, new TypeError('boom')]) {
      const failure = classifyError(error);
      expect(failure).toMatchObject({ code: 'internal_error', retryable: true });
      expectClean(failure.message);
    }
    expect(classifyError(sqlError).detail).toContain('insert into "variants"');
    expect(classifyError(sqlError).detail).toContain('ECONNREFUSED 127.0.0.1:5432');
    expect(classifyError(refused).detail).toContain(BUCKET);
  });

  it('passes bad media and outages through with their own words', () => {
    const bad = classifyError(new BadMediaError('corrupt_image', 'The image is damaged.', { cause: 'VipsJpeg: premature end' }));
    expect(bad).toMatchObject({ code: 'corrupt_image', message: 'The image is damaged.', retryable: false });
    expect(bad.detail).toContain('VipsJpeg: premature end');
    const down = classifyError(translateS3Error(s3Error('SlowDown', 503), { operation: 'getStream', bucket: BUCKET, key: KEY }));
    expect(down).toMatchObject({ code: 'storage_unavailable', retryable: true });
    expectClean(down.message);
  });
});
