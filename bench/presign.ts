import { PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createPresigner } from '../packages/storage/src/presigner.js';
import { createS3Client } from '../packages/storage/src/s3-client.js';
import { ratio, type BenchRow } from './table.js';

const URLS = 3000;
const config = {
  endpoint: 'http://127.0.0.1:7480',
  region: 'us-east-1',
  accessKeyId: 'bench',
  secretAccessKey: 'bench-secret',
  bucket: 'darkroom-originals',
  publicBucket: 'darkroom-originals',
  cdnBaseUrl: undefined,
};
const put = { bucket: 'darkroom-originals', contentType: 'image/jpeg', contentLength: 2_000_000, expiresInSeconds: 3600 };

async function microsPerUrl(sign: (key: string) => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < 300; i++) await sign(`originals/t/${i}`); // warm-up
  const started = performance.now();
  for (let i = 0; i < URLS; i++) await sign(`originals/t/${i}`);
  return ((performance.now() - started) * 1000) / URLS;
}

/** Darkroom's presigner against the AWS SDK's getSignedUrl, the same PUT signed both ways, in this process. */
export async function runPresignBench(): Promise<BenchRow> {
  const sdk = createS3Client(config);
  const presigner = createPresigner(config);
  const signableHeaders = new Set(['content-type', 'content-length']);
  const theirs = await microsPerUrl((key) =>
    getSignedUrl(sdk, new PutObjectCommand({ Bucket: put.bucket, Key: key, ContentType: put.contentType, ContentLength: put.contentLength }), {
      expiresIn: 3600,
      signableHeaders,
    }),
  );
  const ours = await microsPerUrl((key) => presigner.presignPut({ ...put, key }));
  return {
    metric: 'presign one PUT URL vs AWS SDK getSignedUrl',
    darkroom: `${ours.toFixed(1)} µs`,
    baseline: `${theirs.toFixed(1)} µs`,
    ratio: ratio(theirs / ours),
    goal: '—',
    met: '—',
  };
}
