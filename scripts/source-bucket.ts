import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import sharp from 'sharp';

const run = promisify(execFile);

/**
 * A second user on the S3 server scripts/s3-server.sh runs, with a bucket of its own: the library a
 * platform already has, reached with credentials other than the deployment's. The tests and the
 * bench's imports both use it. The user is made once and kept (its keys are fixed, so every test
 * file, bench and run shares it); each bucket is its maker's own and deleted.
 */
export const SOURCE_USER = {
  uid: 'darkroom-import-source',
  accessKeyId: 'darkroom-import-source',
  secretAccessKey: 'import-source-secret-0123456789abcdef',
};

export interface SourceCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The S3 server the bucket is made on, and the deployment's key there (whose user a bucket policy names). */
export interface SourceServer {
  endpoint: string;
  region: string;
  deploymentAccessKeyId: string;
}

/** The data dir of the cluster scripts/s3-server.sh runs: its conf, and its daemons' admin sockets. */
export const s3ServerDir = () => process.env.S3_SERVER_DIR ?? '/tmp/darkroom-rgw';

/** radosgw-admin on the cluster scripts/s3-server.sh runs. */
export async function radosgwAdmin(args: string[]): Promise<string> {
  const conf = `${s3ServerDir()}/ceph.conf`;
  try {
    readFileSync(conf);
  } catch {
    throw new Error(`no Ceph conf at ${conf}: a source bucket needs the S3 server of scripts/s3-server.sh on this machine (S3_SERVER_DIR)`);
  }
  const { stdout } = await run('radosgw-admin', args, { env: { ...process.env, CEPH_CONF: conf }, timeout: 60_000 });
  return stdout;
}

const userInfo = (args: string[]) =>
  radosgwAdmin(['user', 'info', ...args]).then(
    (text) => JSON.parse(text) as { user_id: string; keys: { access_key: string; secret_key: string }[] },
    () => null,
  );

/** The source user, made if missing and given its key if it holds another; safe to call from many files at once. */
export async function ensureSourceUser(): Promise<SourceCredentials> {
  const { uid, accessKeyId, secretAccessKey } = SOURCE_USER;
  const holdsKey = (info: Awaited<ReturnType<typeof userInfo>>) =>
    info?.keys.some((k) => k.access_key === accessKeyId && k.secret_key === secretAccessKey) ?? false;
  let info = await userInfo([`--uid=${uid}`]);
  if (!info) {
    // Another file may make it at the same moment: its answer is as good as ours.
    await radosgwAdmin([
      'user',
      'create',
      `--uid=${uid}`,
      `--display-name=${uid}`,
      `--access-key=${accessKeyId}`,
      `--secret-key=${secretAccessKey}`,
    ]).catch(() => {});
    info = await userInfo([`--uid=${uid}`]);
  }
  if (!holdsKey(info)) {
    await radosgwAdmin(['key', 'create', `--uid=${uid}`, '--key-type=s3', `--access-key=${accessKeyId}`, `--secret-key=${secretAccessKey}`]);
  }
  return { accessKeyId, secretAccessKey };
}

/** The user id behind the deployment's key, which a bucket policy names. */
async function deploymentUserId(server: SourceServer): Promise<string> {
  const info = await userInfo([`--access-key=${server.deploymentAccessKeyId}`]);
  if (!info) throw new Error("the S3 server knows no user with the deployment's access key");
  return info.user_id;
}

function sourceClient(server: SourceServer, credentials: SourceCredentials): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** `count` JPEGs of a few hundred bytes each, from a fixture, each made unique by a comment segment naming its number. */
export async function tinyJpegs(count: number): Promise<Buffer[]> {
  const base = await sharp(readFileSync(new URL('../fixtures/images/320x240.jpg', import.meta.url)))
    .resize(32, 24)
    .jpeg({ quality: 60 })
    .toBuffer();
  return Array.from({ length: count }, (_, n) => numberedJpeg(base, n));
}

function numberedJpeg(base: Buffer, n: number): Buffer {
  const text = Buffer.from(`source object ${n}`);
  const comment = Buffer.alloc(4);
  comment.writeUInt16BE(0xfffe, 0);
  comment.writeUInt16BE(text.length + 2, 2);
  // After SOI (the first two bytes): a COM segment is valid anywhere before the image data.
  return Buffer.concat([base.subarray(0, 2), comment, text, base.subarray(2)]);
}

/** The objects that are not photos: a text file, JSON, an empty object and a "directory" placeholder. */
const OTHERS: [name: string, body: string, type: string][] = [
  ['notes.txt', 'not a photo\n', 'text/plain'],
  ['meta/data.json', '{"not":"media"}', 'application/json'],
  ['empty.bin', '', 'application/octet-stream'],
  ['folder/', '', 'application/x-directory'],
];

export interface SnapshotEntry {
  key: string;
  size: number;
  etag: string;
  versions: number;
}

export interface SourceBucket {
  name: string;
  prefix: string;
  credentials: SourceCredentials;
  /** Every key written, photos first, in the order they were numbered. */
  photoKeys: string[];
  otherKeys: string[];
  /** Lets the deployment's user read the bucket (s3:GetObject, s3:ListBucket), or takes that away. */
  allowDeploymentReads(allow: boolean): Promise<void>;
  /** Every key, size, ETag and version count, in key order: what an import must leave as it was. */
  snapshot(): Promise<SnapshotEntry[]>;
  /** Deletes every object and version, then the bucket. */
  remove(): Promise<void>;
}

async function putAll(client: S3Client, bucket: string, objects: { key: string; body: Buffer; type: string }[]): Promise<void> {
  const queue = [...objects];
  const putNext = async (): Promise<void> => {
    for (let object = queue.shift(); object; object = queue.shift()) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: object.body, ContentType: object.type }));
    }
  };
  await Promise.all(Array.from({ length: 16 }, putNext));
}

/** Every version and delete marker in the bucket, all pages. */
async function listVersions(client: S3Client, bucket: string) {
  const versions: { Key?: string; VersionId?: string; Size?: number; ETag?: string; IsLatest?: boolean }[] = [];
  const deleteMarkers: { Key?: string; VersionId?: string }[] = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  do {
    const page = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
    versions.push(...(page.Versions ?? []));
    deleteMarkers.push(...(page.DeleteMarkers ?? []));
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker);
  return { versions, deleteMarkers };
}

/**
 * A bucket of the source user's holding `photos` small JPEGs and a few other files under `prefix`,
 * readable by the deployment's user or not (`allowDeploymentReads`).
 */
export async function createSourceBucket(server: SourceServer, options: { photos: number; prefix?: string }): Promise<SourceBucket> {
  const credentials = await ensureSourceUser();
  // A copy: the SDK marks the credentials it is given (`$source`), and a test sends these in a body.
  const client = sourceClient(server, { ...credentials });
  const name = `darkroom-source-${randomUUID().slice(0, 13)}`;
  const prefix = options.prefix ?? 'library/';
  await client.send(new CreateBucketCommand({ Bucket: name }));
  const photos = (await tinyJpegs(options.photos)).map((body, n) => ({
    key: `${prefix}photos/${String(n).padStart(5, '0')}.jpg`,
    body,
    type: 'image/jpeg',
  }));
  const others = OTHERS.map(([file, body, type]) => ({ key: `${prefix}${file}`, body: Buffer.from(body), type }));
  await putAll(client, name, [...photos, ...others]);
  const userId = await deploymentUserId(server);
  return {
    name,
    prefix,
    credentials,
    photoKeys: photos.map((p) => p.key),
    otherKeys: others.map((o) => o.key),
    async allowDeploymentReads(allow) {
      if (!allow) return void (await client.send(new DeleteBucketPolicyCommand({ Bucket: name })));
      const Statement = [
        {
          Effect: 'Allow',
          Principal: { AWS: [`arn:aws:iam:::user/${userId}`] },
          Action: ['s3:GetObject', 's3:ListBucket'],
          Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`],
        },
      ];
      await client.send(new PutBucketPolicyCommand({ Bucket: name, Policy: JSON.stringify({ Version: '2012-10-17', Statement }) }));
    },
    async snapshot() {
      const { versions, deleteMarkers } = await listVersions(client, name);
      const entries = new Map<string, SnapshotEntry>();
      for (const v of versions) {
        const entry = entries.get(v.Key!) ?? { key: v.Key!, size: 0, etag: '', versions: 0 };
        entry.versions++;
        if (v.IsLatest) Object.assign(entry, { size: v.Size ?? 0, etag: v.ETag ?? '' });
        entries.set(v.Key!, entry);
      }
      for (const marker of deleteMarkers) {
        const entry = entries.get(marker.Key!) ?? { key: marker.Key!, size: 0, etag: 'deleted', versions: 0 };
        entry.versions++;
        entries.set(marker.Key!, entry);
      }
      return [...entries.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
    },
    async remove() {
      const { versions, deleteMarkers } = await listVersions(client, name);
      const all = [...versions, ...deleteMarkers].map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
      for (let at = 0; at < all.length; at += 1000) {
        await client.send(new DeleteObjectsCommand({ Bucket: name, Delete: { Objects: all.slice(at, at + 1000), Quiet: true } }));
      }
      await client.send(new DeleteBucketCommand({ Bucket: name }));
    },
  };
}
