import { bucketIdentity } from '@darkroom/core/import-identity';
import { ERRORS } from '@darkroom/core/error-factories';
import type { Import } from '@darkroom/db/import-schema';
import type { ObjectLocation } from '@darkroom/storage';
import type { ImportDeps } from '../../deps.js';
import { openBucketSource, type BucketSource, type SourceObject } from './client.js';
import { HEAD_BYTES, inLane, streamInto, type BroughtFile, type DescribeFile, type ImportSource, type ListedItem } from '../source.js';
import { identityHashOf, importCredentialsAad } from '../../identity.js';
import { withinDeadline } from '../transfer-deadline.js';

/**
 * A tenant's bucket as an import's source (client.ts): listed with the tenant's keys a page
 * at a time; each object's first bytes read with them, then the object copied on the bucket's side
 * where the deployment's key may read it, else streamed from the source into a multipart upload.
 */
export async function openBucketImportSource(deps: ImportDeps, imp: Import): Promise<ImportSource> {
  if (!imp.credentialsSealed || !imp.source.bucket || !imp.region) throw new Error(`import ${imp.id} has no bucket source to open`);
  const keys = unsealedKeys(deps, imp.id, imp.credentialsSealed);
  const { imports } = deps.config;
  const source = await openBucketSource(
    { endpoint: imp.source.endpoint, region: imp.region, bucket: imp.source.bucket, prefix: imp.source.prefix, ...keys },
    {
      storage: deps.config.storage,
      backup: deps.config.imports.backup,
      objects: deps.storage,
      copy: deps.config.uploads.copy,
      allowPrivate: imports.allowPrivate,
      // A URL source's limits: IMPORT_CONNECT_TIMEOUT to connect, and a minute (at most IMPORT_ITEM_TIMEOUT) without a byte.
      client: { connectionTimeoutMs: imports.connectTimeoutMs, socketTimeoutMs: imports.idleTimeoutMs },
    },
  );
  /** A request of the source, or a file's transfer from it, cut off at IMPORT_ITEM_TIMEOUT as a URL's is. */
  const inTime = <T>(signal: AbortSignal, work: (signal: AbortSignal) => Promise<T>) => withinDeadline(signal, imports.itemTimeoutMs, 'bucket', work);
  return {
    async list(cursor, signal) {
      const page = await inTime(signal, (limited) => source.listPage(cursor, limited));
      return { items: page.objects.map((object) => listedItem(source.bucket, object)), next: page.next };
    },
    async bring(item, target, limits, describe) {
      const object: SourceObject = { key: item.location, size: item.size ?? 0, etag: item.etag ?? '' };
      if (object.size > limits.maxBytes) throw ERRORS.fileTooLarge(object.size, limits.maxBytes);
      const { lanes, signal } = limits;
      if (source.mayCopy) {
        const readStart = () => inTime(signal, (limited) => source.readStart(object.key, HEAD_BYTES, limited));
        // Once a copy was made, a file's first bytes are read in their own lane while earlier files
        // are copied; until then only with its copy, so that a refusal costs no reads ahead.
        const ahead = {
          read: <T>(work: () => Promise<T>) => inLane(lanes.reads, signal, work),
          copy: <T>(work: () => Promise<T>) => inLane(lanes.transfers, signal, work),
        };
        const copied = source.copyAllowed
          ? await copyIn(source, object, target, describe, readStart, ahead)
          : await inLane(lanes.transfers, signal, () => copyIn(source, object, target, describe, readStart));
        if (copied) return copied;
      }
      return inLane(lanes.transfers, signal, () =>
        inTime(signal, async (limited) => {
          const body = await source.open(object.key, limited);
          try {
            return await streamInto(deps, target, body, { ...limits, expectedSize: object.size }, describe);
          } finally {
            if (!body.destroyed) body.destroy();
          }
        }),
      );
    },
    get readsAhead() {
      return source.copyAllowed;
    },
    // The listing said the size: a dry run fetches nothing more.
    look: async (item) => item.size,
  };
}

/**
 * The source's keys, unsealed: sealed with WEBHOOK_SECRET_KEY, they open only under the key that
 * sealed them, and under another one never will (`source_forbidden`: the import fails, and is
 * not taken up again and again).
 */
function unsealedKeys(deps: ImportDeps, importId: string, sealed: string): { accessKeyId: string; secretAccessKey: string } {
  try {
    return JSON.parse(deps.secretBox.open(sealed, importCredentialsAad(importId))) as { accessKeyId: string; secretAccessKey: string };
  } catch {
    throw ERRORS.sourceKeysUnreadable();
  }
}

type Run = <T>(work: () => Promise<T>) => Promise<T>;
const now: Run = (work) => work();

/**
 * A file copied on the bucket's side: its first bytes say what it is before the copy is written
 * with that (its record, its type); `read` and `copy` run each request in its lane. Null when the
 * deployment's key may not copy it (a refusal already met, or this one).
 */
async function copyIn(
  source: BucketSource,
  object: SourceObject,
  target: ObjectLocation,
  describe: DescribeFile,
  readStart: () => Promise<{ size: number; bytes: Uint8Array }>,
  lanes: { read: Run; copy: Run } = { read: now, copy: now },
): Promise<BroughtFile | null> {
  // Refused while this file waited for its lane: it is streamed, unread.
  if (!source.mayCopy) return null;
  const start = await lanes.read(readStart);
  const facts = await describe(start.bytes, start.size);
  const copied = await lanes.copy(() => source.copyTo({ ...target, ...facts }, { ...object, size: start.size }));
  return copied === 'copied' ? { ...facts, size: start.size, head: start.bytes } : null;
}

/** A listed object as its item: its identity is `bucket/key` and its ETag. */
function listedItem(bucket: string, object: SourceObject): ListedItem {
  const identity = `bucket:${bucketIdentity(bucket, object.key, object.etag)}`;
  return {
    location: object.key,
    source: `${bucket}/${object.key}`,
    identity,
    identityHash: identityHashOf(identity),
    size: object.size,
    etag: object.etag,
  };
}
