import type { Import, ImportItem, NewImportItem } from '@darkroom/db';
import type { ObjectLocation } from '@darkroom/storage';
import type { AppDeps } from '../deps.js';
import { openBucketImportSource } from './bucket-import-source.js';
import { openUrlSource } from './url-source.js';

/** The limits a transfer of one item holds to. */
export interface ItemLimits {
  /** The tenant's size limit: past it, `file_too_large`, and nothing is kept. */
  maxBytes: number;
  /** A pause, a cancel or the process stopping: the transfer stops at once. */
  signal: AbortSignal;
}

/** A listed object as its item row records it. */
export type ListedItem = Omit<NewImportItem, 'id' | 'importId' | 'tenantId' | 'seq'>;

/** Where an import's files come from: a list of URLs, or a bucket. */
export interface ImportSource {
  /** A bucket source's listing, a page at a time from `cursor`; absent for URLs (their items are given). */
  list?(cursor: string | null): Promise<{ items: ListedItem[]; next: string | null }>;
  /** Brings the item's bytes to `target` (its staging key), never whole in memory: their size. */
  bring(item: ImportItem, target: ObjectLocation, limits: ItemLimits): Promise<number>;
  /** A dry run's look at the item, fetching nothing: the size the source says, or null when it says none. */
  look(item: ImportItem, limits: ItemLimits): Promise<number | null>;
}

/** Bytes a part of a streamed file: a part's memory is what a file in flight costs, whatever its length. */
export const STREAM_PART_BYTES = 8 * 1024 * 1024;

export async function openImportSource(deps: AppDeps, imp: Import): Promise<ImportSource> {
  return imp.source.type === 'urls' ? urlImportSource(deps) : openBucketImportSource(deps, imp);
}

/** A URL list's files: each fetched through the guard (url-source.ts) and streamed into a multipart upload. */
function urlImportSource(deps: AppDeps): ImportSource {
  const { imports } = deps.config;
  const options = (method: 'GET' | 'HEAD', limits: ItemLimits) => ({
    method,
    maxBytes: limits.maxBytes,
    allowPrivate: imports.allowPrivate,
    connectTimeoutMs: imports.connectTimeoutMs,
    idleTimeoutMs: imports.idleTimeoutMs,
    totalTimeoutMs: imports.itemTimeoutMs,
    signal: limits.signal,
  });
  return {
    async bring(item, target, limits) {
      const opened = await openUrlSource(item.location, options('GET', limits));
      const body = opened.body!;
      try {
        const stored = await deps.storage.uploadStream({
          ...target,
          body,
          contentType: 'application/octet-stream',
          partSize: STREAM_PART_BYTES,
          maxBytes: limits.maxBytes,
          expectedSize: opened.size ?? undefined,
        });
        return stored.size;
      } finally {
        // Read to its end or cut off: a body left open keeps its time limit running.
        if (!body.destroyed) body.destroy();
      }
    },
    async look(item, limits) {
      return (await openUrlSource(item.location, options('HEAD', limits))).size;
    },
  };
}
