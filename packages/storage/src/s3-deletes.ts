import { DeleteObjectCommand, DeleteObjectsCommand, ListObjectsV2Command, ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';
import { StorageRequestError, translateS3Error } from './errors.js';
import type { DeleteVersionOptions, ListObjectsOptions, ObjectLocation } from './types.js';

/** One thing to delete: a specific version (or delete marker), or a plain key on servers without versioning. */
interface DeletionTarget {
  key: string;
  versionId: string | undefined;
}

const DELETE_BATCH_SIZE = 1000;
/** Already gone by the time we delete it: fine, that is what we wanted. */
const HARMLESS_DELETE_ERRORS = new Set(['NoSuchKey', 'NoSuchVersion']);

function isNotImplemented(err: unknown): boolean {
  const error = translateS3Error(err);
  return error.s3Code === 'NotImplemented' || error.httpStatus === 501;
}

async function* listUnversionedPages(client: S3Client, bucket: string, prefix: string): AsyncGenerator<DeletionTarget[]> {
  let continuationToken: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: continuationToken }));
    yield (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [{ key: o.Key, versionId: undefined }]));
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (continuationToken);
}

/**
 * Every version and delete marker under the prefix, a page at a time, sorted by key.
 * Deleting by name on a versioned bucket (every B2 bucket) only adds a delete marker and frees nothing,
 * so deletions must name versions. Servers without version listing get plain keys instead.
 */
async function* listDeletionPages(client: S3Client, bucket: string, prefix: string): AsyncGenerator<DeletionTarget[]> {
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    let page;
    try {
      page = await client.send(
        new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
      );
    } catch (err) {
      if (keyMarker === undefined && isNotImplemented(err)) return yield* listUnversionedPages(client, bucket, prefix);
      throw err;
    }
    const entries = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])];
    const targets = entries.flatMap((v) => (v.Key === undefined ? [] : [{ key: v.Key, versionId: v.VersionId }]));
    yield targets.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);
}

async function deleteTargets(client: S3Client, bucket: string, targets: DeletionTarget[]): Promise<void> {
  for (let at = 0; at < targets.length; at += DELETE_BATCH_SIZE) {
    const batch = targets.slice(at, at + DELETE_BATCH_SIZE);
    const result = await client.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: batch.map((t) => ({ Key: t.key, VersionId: t.versionId })), Quiet: true },
      }),
    );
    // DeleteObjects answers 200 even when single deletions fail; they are listed in Errors.
    const failure = (result.Errors ?? []).find((e) => !HARMLESS_DELETE_ERRORS.has(e.Code ?? ''));
    if (failure) {
      throw translateS3Error({ name: failure.Code, Code: failure.Code, $metadata: {} }, { operation: 'DeleteObjects', bucket, key: failure.Key });
    }
  }
}

export async function deleteObject(client: S3Client, options: ObjectLocation): Promise<void> {
  const { bucket, key } = options;
  try {
    for await (const page of listDeletionPages(client, bucket, key)) {
      // The prefix also matches longer keys ("a" lists "a/b"); only the exact key is ours.
      const exact = page.filter((target) => target.key === key);
      if (exact.length) await deleteTargets(client, bucket, exact);
      // Listings are sorted by key, so once a longer key shows up, our key's versions are all seen.
      if (page.some((target) => target.key !== key)) break;
    }
  } catch (err) {
    if (!isNotImplemented(err)) throw translateS3Error(err, { operation: 'deleteObject', bucket, key });
    await deleteByName(client, bucket, key);
  }
}

async function deleteByName(client: S3Client, bucket: string, key: string): Promise<void> {
  try {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  } catch (err) {
    throw translateS3Error(err, { operation: 'deleteObject', bucket, key });
  }
}

/**
 * One DeleteObject. With a version id it removes exactly that version (on B2 and every versioned
 * bucket: no listing needed). Without one it deletes by name, which is all it takes where the bucket
 * keeps no versions; where it does, that only wrote a delete marker, and every version goes instead.
 */
export async function deleteObjectVersion(client: S3Client, options: DeleteVersionOptions): Promise<void> {
  const { bucket, key, versionId } = options;
  try {
    const answer = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
    if (versionId === undefined && answer.DeleteMarker) await deleteObject(client, { bucket, key });
  } catch (err) {
    const error = translateS3Error(err, { operation: 'deleteObjectVersion', bucket, key });
    if (error.kind !== 'object_not_found') throw error; // already gone: that is what we wanted
  }
}

/**
 * Returns how many distinct keys were removed (each with all its versions). `onPage` is told the
 * keys of each page once they are gone (the ledger), and awaited before the next page.
 */
export async function deletePrefix(
  client: S3Client,
  options: ListObjectsOptions,
  onPage?: (keys: string[]) => Promise<void>,
): Promise<{ deleted: number }> {
  const { bucket, prefix } = options;
  // An empty prefix would wipe the whole bucket; nothing in Darkroom ever means that.
  if (prefix === '') throw new StorageRequestError(`deletePrefix ${bucket}: refusing an empty prefix`);
  let deleted = 0;
  let previousKey: string | undefined;
  try {
    for await (const page of listDeletionPages(client, bucket, prefix)) {
      await deleteTargets(client, bucket, page);
      const keys: string[] = [];
      // Pages are key-sorted, so counting key changes counts distinct keys without remembering them all.
      for (const target of page) {
        if (target.key !== previousKey) {
          deleted += 1;
          keys.push(target.key);
        }
        previousKey = target.key;
      }
      await onPage?.(keys);
    }
  } catch (err) {
    throw translateS3Error(err, { operation: 'deletePrefix', bucket, key: prefix });
  }
  return { deleted };
}
