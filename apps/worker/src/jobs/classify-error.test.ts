import { BadMediaError } from '@darkroom/core/errors';
import { ERRORS } from '@darkroom/core/error-factories';
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

  it("keeps ffmpeg's words and the codec for admins: the tenant reads the bad video's own sentence", () => {
    const stderr = `[${KEY} @ 0x55d0] Decoder (codec prores) not found for input stream #0:0`;
    const refusal = ERRORS.unsupportedCodec('prores', stderr);
    const codec = classifyError(refusal);
    expect(codec).toMatchObject({ code: 'unsupported_codec', retryable: false, message: refusal.message });
    expect(codec.message).not.toContain('prores');
    expectClean(codec.message);
    expect(codec.detail).toContain('Decoder (codec prores) not found');
    expect(codec.detail).toContain('"codec":"prores"');
    const bad = [ERRORS.corruptVideo('moov atom not found'), ERRORS.videoTooLong(3600, 900), ERRORS.videoTooManyPixels(8192, 8192, 4096 * 2160)];
    for (const error of bad) expect(classifyError(error)).toMatchObject({ code: error.code, retryable: false });
    const late = classifyError(ERRORS.videoRenderTimeout(90_000, 'ffmpeg killed'));
    expect(late).toMatchObject({ code: 'render_timeout', retryable: true });
    expect(late.detail).toContain('ffmpeg killed');
  });

  it('retries a render aborted because the worker stopped', () => {
    const aborted = Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
    expect(classifyError(aborted)).toMatchObject({ code: 'internal_error', retryable: true });
  });
});
