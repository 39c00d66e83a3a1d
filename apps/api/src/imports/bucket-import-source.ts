import { bucketIdentity, ERRORS } from '@darkroom/core';
import type { Import } from '@darkroom/db';
import type { ObjectLocation } from '@darkroom/storage';
import type { AppDeps } from '../deps.js';
import { openBucketSource, type BucketSource, type SourceObject } from './bucket-source.js';
import { HEAD_BYTES, inLane, streamInto, type BroughtFile, type DescribeFile, type ImportSource, type ListedItem } from './import-source.js';
import { identityHashOf, importCredentialsAad } from './start-import.js';

/**
 * A tenant's bucket as an import's source (bucket-source.ts): listed with the tenant's keys a page
 * at a time; each object's first bytes read with them, then the object copied on the bucket's side
 * where the deployment's key may read it, else streamed from the source into a multipart upload.
 */
export async function openBucketImportSource(deps: AppDeps, imp: Import): Promise<ImportSource> {
  if (!imp.credentialsSealed || !imp.source.bucket || !imp.region) throw new Error(`import ${imp.id} has no bucket source to open`);
  const keys = JSON.parse(deps.secretBox.open(imp.credentialsSealed, importCredentialsAad(imp.id))) as {
    accessKeyId: string;
    secretAccessKey: string;
  };
  const source = await openBucketSource(
    { endpoint: imp.source.endpoint, region: imp.region, bucket: imp.source.bucket, prefix: imp.source.prefix, ...keys },
    {
      storage: deps.config.storage,
      backup: deps.config.imports.backup,
      objects: deps.storage,
      copy: deps.config.uploads.copy,
      allowPrivate: deps.config.imports.allowPrivate,
    },
  );
  return {
    async list(cursor) {
      const page = await source.listPage(cursor);
      return { items: page.objects.map((object) => listedItem(source.bucket, object)), next: page.next };
    },
    async bring(item, target, limits, describe) {
      const object: SourceObject = { key: item.location, size: item.size ?? 0, etag: item.etag ?? '' };
      if (object.size > limits.maxBytes) throw ERRORS.fileTooLarge(object.size, limits.maxBytes);
      const { lanes, signal } = limits;
      if (source.mayCopy) {
        // Once a copy was made, a file's first bytes are read in their own lane while earlier files
        // are copied; until then only with its copy, so that a refusal costs no reads ahead.
        const ahead = {
          read: <T>(work: () => Promise<T>) => inLane(lanes.reads, signal, work),
          copy: <T>(work: () => Promise<T>) => inLane(lanes.transfers, signal, work),
        };
        const copied = source.copyAllowed
          ? await copyIn(source, object, target, describe, ahead)
          : await inLane(lanes.transfers, signal, () => copyIn(source, object, target, describe));
        if (copied) return copied;
      }
      return inLane(lanes.transfers, signal, async () => {
        const body = await source.open(object.key);
        try {
          return await streamInto(deps, target, body, { ...limits, expectedSize: object.size }, describe);
        } finally {
          if (!body.destroyed) body.destroy();
        }
      });
    },
    get readsAhead() {
      return source.copyAllowed;
    },
    // The listing said the size: a dry run fetches nothing more.
    look: async (item) => item.size,
  };
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
  lanes: { read: Run; copy: Run } = { read: now, copy: now },
): Promise<BroughtFile | null> {
  // Refused while this file waited for its lane: it is streamed, unread.
  if (!source.mayCopy) return null;
  const start = await lanes.read(() => source.readStart(object.key, HEAD_BYTES));
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
