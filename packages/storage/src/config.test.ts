import { describe, expect, it } from 'vitest';
import { createPublicUrlBuilder, encodeObjectKey } from './cdn.js';
import { isSingleBucket, parseStorageConfig } from './config.js';

const b2Env = {
  B2_ENDPOINT: 'https://s3.us-west-004.backblazeb2.com',
  B2_BUCKET_NAME: 'darkroom-originals',
  B2_KEY_ID: '004abc',
  B2_APPLICATION_KEY: 'K004-very-secret',
};

describe('parseStorageConfig', () => {
  it('reads the Backblaze names and derives the region from the endpoint', () => {
    expect(parseStorageConfig(b2Env)).toEqual({
      endpoint: 'https://s3.us-west-004.backblazeb2.com',
      region: 'us-west-004',
      accessKeyId: '004abc',
      secretAccessKey: 'K004-very-secret',
      bucket: 'darkroom-originals',
      publicBucket: 'darkroom-originals',
      cdnBaseUrl: undefined,
    });
  });

  it('prefers S3_* over B2_* when both are set', () => {
    const config = parseStorageConfig({
      ...b2Env,
      S3_ENDPOINT: 'http://127.0.0.1:7480/',
      S3_BUCKET: 'originals',
      S3_ACCESS_KEY_ID: 's3-key',
      S3_SECRET_ACCESS_KEY: 's3-secret',
      S3_PUBLIC_BUCKET: 'variants',
      CDN_BASE_URL: 'https://cdn.example.com/',
    });
    expect(config).toEqual({
      endpoint: 'http://127.0.0.1:7480',
      region: 'us-east-1',
      accessKeyId: 's3-key',
      secretAccessKey: 's3-secret',
      bucket: 'originals',
      publicBucket: 'variants',
      cdnBaseUrl: 'https://cdn.example.com',
    });
    expect(isSingleBucket(config)).toBe(false);
  });

  it('keeps an explicit region over the derived one', () => {
    expect(parseStorageConfig({ ...b2Env, B2_REGION: 'eu-central-003' }).region).toBe('eu-central-003');
    expect(parseStorageConfig({ ...b2Env, S3_REGION: 'us-east-005', B2_REGION: 'eu-central-003' }).region).toBe('us-east-005');
  });

  it('defaults publicBucket to bucket (single-bucket mode)', () => {
    expect(isSingleBucket(parseStorageConfig(b2Env))).toBe(true);
  });

  it('names the missing variable', () => {
    const { B2_BUCKET_NAME: _, ...withoutBucket } = b2Env;
    expect(() => parseStorageConfig(withoutBucket)).toThrow(/^Missing S3_BUCKET \(or B2_BUCKET_NAME\)$/);
  });

  it('names every missing variable at once and treats blank as missing', () => {
    expect(() => parseStorageConfig({ S3_BUCKET: '  ' })).toThrow(
      'Missing S3_ENDPOINT (or B2_ENDPOINT), S3_ACCESS_KEY_ID (or B2_KEY_ID), S3_SECRET_ACCESS_KEY (or B2_APPLICATION_KEY), S3_BUCKET (or B2_BUCKET_NAME)',
    );
  });

  it('rejects a malformed endpoint or CDN URL without echoing values', () => {
    expect(() => parseStorageConfig({ ...b2Env, B2_ENDPOINT: 'ftp://x' })).toThrow(/Invalid S3_ENDPOINT \(or B2_ENDPOINT\)/);
    expect(() => parseStorageConfig({ ...b2Env, CDN_BASE_URL: 'not a url' })).toThrow(/Invalid CDN_BASE_URL/);
    expect(() => parseStorageConfig({ ...b2Env, S3_BUCKET: 'a/b' })).toThrow(/Invalid S3_BUCKET/);
    try {
      parseStorageConfig({ ...b2Env, B2_ENDPOINT: 'nope-K004-very-secret' });
    } catch (err) {
      expect((err as Error).message).not.toContain('secret');
    }
  });
});

describe('createPublicUrlBuilder', () => {
  const base = parseStorageConfig({ ...b2Env, S3_PUBLIC_BUCKET: 'darkroom-variants' });

  it('uses the CDN base when set', () => {
    const url = createPublicUrlBuilder({ ...base, cdnBaseUrl: 'https://cdn.example.com/' });
    expect(url('variants/t1/a1/thumb-abc.webp')).toBe('https://cdn.example.com/variants/t1/a1/thumb-abc.webp');
  });

  it('falls back to a path-style bucket URL', () => {
    expect(createPublicUrlBuilder(base)('variants/t1/a1/thumb.webp')).toBe(
      'https://s3.us-west-004.backblazeb2.com/darkroom-variants/variants/t1/a1/thumb.webp',
    );
  });

  it('escapes each key segment but keeps the slashes', () => {
    expect(encodeObjectKey("a b/c?d#e/(x)!*'/ü%")).toBe('a%20b/c%3Fd%23e/%28x%29%21%2A%27/%C3%BC%25');
  });
});
