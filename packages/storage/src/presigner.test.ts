import { CompleteMultipartUploadCommand, GetObjectCommand, ListPartsCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { createPresigner } from './presigner.js';
import { createS3Client } from './s3-client.js';

// The SDK's own presigner on the client the storage layer would use is the reference.
const config = {
  endpoint: 'https://s3.us-west-004.backblazeb2.com',
  region: 'us-west-004',
  accessKeyId: 'AKID',
  secretAccessKey: 'secret/key+1',
  bucket: 'b',
  publicBucket: 'b',
  cdnBaseUrl: undefined,
};
const sdk = createS3Client(config);
const presigner = createPresigner(config);
const keys = ['originals/0193-tenant/0193-asset', 'odd/key with spaces/ünïcode+plus(1)*!~.jpg'];

describe('createPresigner', () => {
  it('signs a whole-object PUT exactly as the AWS SDK does, content-type and content-length included', async () => {
    for (const [key, when] of keys.flatMap((k) => [new Date('2026-11-22T10:00:00Z'), new Date('2026-11-23T23:59:59Z')].map((d) => [k, d] as const))) {
      const command = new PutObjectCommand({ Bucket: 'darkroom-originals', Key: key, ContentType: 'image/jpeg', ContentLength: 123456 });
      const expected = await getSignedUrl(sdk, command, {
        expiresIn: 3600,
        signableHeaders: new Set(['content-type', 'content-length']),
        signingDate: when,
      });
      const mine = presigner.presignPut(
        { bucket: 'darkroom-originals', key, contentType: 'image/jpeg', contentLength: 123456, expiresInSeconds: 3600 },
        when,
      );
      expect(mine.url).toBe(expected);
      expect(mine.headers).toEqual({ 'content-type': 'image/jpeg' });
      expect(mine.expiresAt.getTime()).toBe(when.getTime() + 3600_000);
    }
  });

  it('signs PUTs of one second alike whatever their mix of keys, lifetimes and sizes (its query is reused within a second)', async () => {
    const when = new Date('2026-11-22T10:00:00.250Z');
    const cases = [
      { key: keys[0]!, expiresInSeconds: 3600, contentLength: 1 },
      { key: keys[1]!, expiresInSeconds: 3600, contentLength: 2 },
      { key: keys[0]!, expiresInSeconds: 900, contentLength: 3 },
      { key: keys[1]!, expiresInSeconds: 3600, contentLength: 4 },
    ];
    for (const { key, expiresInSeconds, contentLength } of cases) {
      const command = new PutObjectCommand({ Bucket: 'darkroom-originals', Key: key, ContentType: 'image/png', ContentLength: contentLength });
      const expected = await getSignedUrl(sdk, command, {
        expiresIn: expiresInSeconds,
        signableHeaders: new Set(['content-type', 'content-length']),
        signingDate: when,
      });
      const mine = presigner.presignPut({ bucket: 'darkroom-originals', key, contentType: 'image/png', contentLength, expiresInSeconds }, when);
      expect(mine.url).toBe(expected);
    }
  });

  it('signs an upload part exactly as the AWS SDK does', async () => {
    const when = new Date('2026-11-22T10:00:00Z');
    const command = new UploadPartCommand({ Bucket: 'b', Key: keys[1], UploadId: 'up~load/1=', PartNumber: 42, ContentLength: 5 * 1024 * 1024 });
    const expected = await getSignedUrl(sdk, command, { expiresIn: 900, signableHeaders: new Set(['content-length']), signingDate: when });
    const mine = presigner.presignUploadPart(
      { bucket: 'b', key: keys[1]!, uploadId: 'up~load/1=', partNumber: 42, contentLength: 5 * 1024 * 1024, expiresInSeconds: 900 },
      when,
    );
    expect(mine.url).toBe(expected);
  });

  it('signs listing and completing a multipart upload exactly as the AWS SDK does', async () => {
    const when = new Date('2026-11-22T10:00:00Z');
    const location = { Bucket: 'b', Key: keys[1], UploadId: 'up~load/1=' };
    const cases = [
      ['ListParts', new ListPartsCommand(location)],
      ['CompleteMultipartUpload', new CompleteMultipartUploadCommand(location)],
    ] as const;
    for (const [operation, command] of cases) {
      const expected = await getSignedUrl(sdk, command, { expiresIn: 900, signingDate: when });
      const mine = presigner.presignMultipartRequest({ bucket: 'b', key: keys[1]!, uploadId: 'up~load/1=', operation, expiresInSeconds: 900 }, when);
      expect(mine.url, operation).toBe(expected);
    }
  });

  it('signs a GET of an object exactly as the AWS SDK does', async () => {
    const when = new Date('2026-11-22T10:00:00Z');
    const expected = await getSignedUrl(sdk, new GetObjectCommand({ Bucket: 'b', Key: keys[1] }), { expiresIn: 60, signingDate: when });
    expect(presigner.presignGet({ bucket: 'b', key: keys[1]!, expiresInSeconds: 60 }, when).url).toBe(expected);
  });

  it('refuses what SigV4 cannot sign', () => {
    const put = { bucket: 'b', key: 'k', contentType: 'image/png', contentLength: 1, expiresInSeconds: 60 };
    expect(() => presigner.presignPut({ ...put, expiresInSeconds: 8 * 24 * 3600 })).toThrow(/expiresInSeconds/);
    expect(() => presigner.presignPut({ ...put, contentLength: -1 })).toThrow(/contentLength/);
    expect(() => presigner.presignUploadPart({ ...put, uploadId: 'u', partNumber: 10_001 })).toThrow(/partNumber/);
  });
});
