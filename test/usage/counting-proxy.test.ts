import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { bucketClassOf } from '@darkroom/core/contract/usage';
import { originalKey, stagingKey, variantPrefix } from '@darkroom/core/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyRequest, startCountingProxy, type CountingProxy } from '../support/counting-proxy.js';
import { testEnv } from '../test-env.js';

const run = promisify(execFile);
const tenant = randomUUID();
const head = (method: string, url: string, headers: Record<string, string> = {}) => ({ method, url, headers });
const signed = { authorization: 'AWS4-HMAC-SHA256 Credential=…' };
const presigned = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc';

describe('classifyRequest', () => {
  it.each([
    ['PUT', `/b/${originalKey(tenant, randomUUID())}`, {}, 'PutObject', 'a'],
    ['PUT', `/b/${stagingKey(tenant, randomUUID())}?partNumber=2&uploadId=u`, {}, 'UploadPart', 'a'],
    ['POST', `/b/${stagingKey(tenant, randomUUID())}?uploads`, {}, 'CreateMultipartUpload', 'a'],
    ['POST', `/b/${stagingKey(tenant, randomUUID())}?uploadId=u`, {}, 'CompleteMultipartUpload', 'a'],
    ['DELETE', `/b/${stagingKey(tenant, randomUUID())}?uploadId=u`, {}, 'AbortMultipartUpload', 'a'],
    ['DELETE', `/b/${originalKey(tenant, randomUUID())}`, {}, 'DeleteObject', 'a'],
    ['DELETE', `/b/${originalKey(tenant, randomUUID())}?versionId=v`, {}, 'DeleteObject', 'a'],
    ['GET', `/b/${originalKey(tenant, randomUUID())}`, {}, 'GetObject', 'b'],
    ['GET', `/b/${originalKey(tenant, randomUUID())}`, { range: 'bytes=0-99' }, 'GetObject', 'b'],
    ['HEAD', `/b/${originalKey(tenant, randomUUID())}`, {}, 'HeadObject', 'b'],
    ['PUT', `/b/${originalKey(tenant, randomUUID())}`, { 'x-amz-copy-source': '/b/x' }, 'CopyObject', 'c'],
    ['PUT', `/b/${originalKey(tenant, randomUUID())}?partNumber=1&uploadId=u`, { 'x-amz-copy-source': '/b/x' }, 'UploadPartCopy', 'c'],
    ['GET', `/b?list-type=2&prefix=${variantPrefix(tenant, randomUUID())}`, {}, 'ListObjectsV2', 'c'],
    ['GET', `/b?versions&prefix=${originalKey(tenant, randomUUID())}`, {}, 'ListObjectVersions', 'c'],
    ['GET', `/b/${stagingKey(tenant, randomUUID())}?uploadId=u`, {}, 'ListParts', 'c'],
  ])('%s %s %o is %s (class %s)', (method, url, headers, operation, bucketClass) => {
    const counted = classifyRequest(head(method, url, { ...signed, ...headers }));
    expect(counted).toEqual({ operation, bucketClass, signer: 'darkroom', tenantId: tenant });
    // The classes are the contract's, one table: the meters' and the proxy's cannot drift apart.
    expect(bucketClassOf(operation)).toBe(bucketClass);
  });

  it('tells Darkroom’s own requests from clients’ presigned PUTs, ffmpeg’s presigned reads and anonymous reads', () => {
    const key = `/b/${originalKey(tenant, randomUUID())}`;
    expect(classifyRequest(head('PUT', key, signed)).signer).toBe('darkroom');
    expect(classifyRequest(head('PUT', `${key}?${presigned}`)).signer).toBe('presigned_put');
    expect(classifyRequest(head('PUT', `${key}?partNumber=3&uploadId=u&${presigned}`)).signer).toBe('presigned_put');
    const ffmpeg = { 'user-agent': 'Lavf/61.7.100' };
    expect(classifyRequest(head('GET', `${key}?${presigned}`, { ...ffmpeg, range: 'bytes=0-1' })).signer).toBe('presigned_read');
    expect(classifyRequest(head('HEAD', `${key}?${presigned}`, ffmpeg)).signer).toBe('presigned_read');
    // The storage client's direct requests are URLs it signs for itself: its own, not handed out.
    expect(classifyRequest(head('GET', `${key}?${presigned}`)).signer).toBe('darkroom');
    expect(classifyRequest(head('PUT', `${key}?${presigned}`, { 'x-amz-copy-source': '/b/x' }))).toMatchObject({
      signer: 'darkroom',
      operation: 'CopyObject',
    });
    expect(classifyRequest(head('GET', `/v/${variantPrefix(tenant, randomUUID())}r1/a.webp`)).signer).toBe('anonymous');
  });

  it("charges a private object, a listing's prefix and a batch delete's first key to their tenant, the rest to the deployment", () => {
    expect(classifyRequest(head('GET', `/b/private/${originalKey(tenant, randomUUID())}`, signed)).tenantId).toBe(tenant);
    expect(classifyRequest(head('GET', `/b?list-type=2&prefix=${encodeURIComponent(`originals/${tenant}/`)}`, signed)).tenantId).toBe(tenant);
    const batch = `<Delete><Object><Key>${originalKey(tenant, randomUUID())}</Key></Object></Delete>`;
    expect(classifyRequest(head('POST', '/b?delete', signed), batch)).toMatchObject({
      operation: 'DeleteObjects',
      bucketClass: 'a',
      tenantId: tenant,
    });
    expect(classifyRequest(head('GET', '/b?list-type=2&prefix=originals/', signed)).tenantId).toBeNull();
    expect(classifyRequest(head('HEAD', '/b', signed))).toEqual({ operation: 'HeadBucket', bucketClass: 'c', signer: 'darkroom', tenantId: null });
  });
});

/**
 * The proxy in front of the real S3 server, and the SDK's own command names beside it (what the
 * storage client's meter counts by): every command, retried or not, lands in the class the contract
 * gives its name, on the tenant its key names.
 */
describe('the counting proxy in front of the S3 server', () => {
  let proxy: CountingProxy;
  let s3: S3Client;
  const sent: string[] = [];
  const bucket = testEnv.S3_BUCKET!;
  const key = (name: string) => `${originalKey(tenant, randomUUID())}-${name}`;

  beforeAll(async () => {
    proxy = await startCountingProxy(testEnv.S3_ENDPOINT!);
    s3 = new S3Client({
      endpoint: proxy.endpoint,
      region: testEnv.S3_REGION!,
      credentials: { accessKeyId: testEnv.S3_ACCESS_KEY_ID!, secretAccessKey: testEnv.S3_SECRET_ACCESS_KEY! },
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    // After the retry step: one name per attempt, as the storage client's middleware counts.
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(context.commandName!.replace(/Command$/, ''));
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'countAttempts' },
    );
  });
  afterAll(async () => {
    s3?.destroy();
    await proxy?.close();
  });

  it('counts each request the storage client signs in the class of its command, and presigned ones apart', async () => {
    const one = key('one');
    const two = key('two');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: one, Body: 'x'.repeat(10) }));
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: one }));
    await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: one, Range: 'bytes=0-3' }))).Body!.transformToString();
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: two, CopySource: `${bucket}/${one}` }));
    await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `originals/${tenant}/` }));
    await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: `originals/${tenant}/` }));
    const multi = key('multi');
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: multi }));
    // Every part but the last is at least 5 MiB.
    const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: multi, UploadId, PartNumber: 1, Body: new Uint8Array(5 * 1024 * 1024) }));
    const copied = await s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: multi, UploadId, PartNumber: 2, CopySource: `${bucket}/${one}` }));
    await s3.send(new ListPartsCommand({ Bucket: bucket, Key: multi, UploadId }));
    const parts = [
      { PartNumber: 1, ETag: part.ETag },
      { PartNumber: 2, ETag: copied.CopyPartResult!.ETag },
    ];
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: multi, UploadId, MultipartUpload: { Parts: parts } }));
    const dropped = key('dropped');
    const abandoned = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: dropped }));
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: dropped, UploadId: abandoned.UploadId }));
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: one }, { Key: two }] } }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: multi }));

    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: one }), { expiresIn: 60 });
    expect((await fetch(url, { method: 'PUT', body: 'z' })).status).toBe(200);
    const read = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: one }), { expiresIn: 60 });
    // As the storage client's direct GET: a URL it signed for itself.
    expect((await fetch(read, { headers: { range: 'bytes=0-0' } })).status).toBe(206);
    // As the worker's ffprobe, reading a presigned GET (the object is no media: its answer does not matter).
    await run('ffprobe', ['-v', 'quiet', read]).catch(() => {});
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: one }));

    const expected = { a: 0, b: 1, c: 0 };
    for (const name of sent) expected[bucketClassOf(name)]++;
    const tally = proxy.tally();
    expect(tally.bySigner.darkroom).toEqual(expected);
    expect(expected).toEqual({ a: 9, b: 3, c: 5 });
    expect(tally.darkroomByTenant.get(tenant)).toEqual(expected);
    expect(tally.bySigner.presigned_put).toEqual({ a: 1, b: 0, c: 0 });
    expect(tally.bySigner.presigned_read.b).toBeGreaterThan(0);
    expect(tally.bySigner.presigned_read.a + tally.bySigner.presigned_read.c).toBe(0);
    expect(Object.fromEntries(tally.darkroomOperations)).toMatchObject({ UploadPartCopy: 1, ListObjectVersions: 1, DeleteObjects: 1 });
  });
});
