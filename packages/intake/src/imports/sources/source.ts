import type { ImportItem, NewImportItem } from '@darkroom/db/import-schema';
import type { Readable } from 'node:stream';
import type { ObjectLocation, ObjectMetadata } from '@darkroom/storage';
import type { ImportDeps } from '../deps.js';
import type { Limiter } from '@darkroom/core/limiter';
import { readHead } from './read-head.js';

/** The limits a transfer of one item holds to. */
export interface ItemLimits {
  /** The tenant's size limit: past it, `file_too_large`, and nothing is kept. */
  maxBytes: number;
  /** A pause, a cancel or the process stopping: the transfer stops at once. */
  signal: AbortSignal;
}

/** The limits of one item's transfer, with the run's lanes its requests wait their turn in (ItemContext's). */
export interface TransferLimits extends ItemLimits {
  lanes: { reads: Limiter; transfers: Limiter };
}

/** What a file is, from its first bytes: its type (refused: it throws), and what its original is written with. */
export interface FileFacts {
  contentType: string;
  metadata: ObjectMetadata;
}

/**
 * Told a file's first `HEAD_BYTES` (fewer for a smaller file) and its size when the source says it,
 * before a byte is written: what the file is, or a refusal (an unknown type, one the tenant does
 * not take) that stops the transfer before it starts.
 */
export type DescribeFile = (head: Uint8Array, size: number | null) => Promise<FileFacts>;

/** A file brought in: its size, what it is, and its first bytes (an audio file's probe reads them). */
export interface BroughtFile extends FileFacts {
  size: number;
  head: Uint8Array;
}

/** The first bytes a file is known by: enough for its magic bytes and an audio file's probe. */
export const HEAD_BYTES = 64 * 1024;

/** A listed object as its item row records it. */
export type ListedItem = Omit<NewImportItem, 'id' | 'importId' | 'tenantId' | 'seq'>;

/** Where an import's files come from: a list of URLs, or a bucket. */
export interface ImportSource {
  /** A bucket source's listing, a page at a time from `cursor` (cut off once `signal` aborts); absent for URLs (their items are given). */
  list?(cursor: string | null, signal: AbortSignal): Promise<{ items: ListedItem[]; next: string | null }>;
  /**
   * Brings the item's bytes to `target` (its original key), never whole in memory, written with
   * what `describe` makes of their first bytes: a server-side copy, or a stream into a multipart upload.
   */
  bring(item: ImportItem, target: ObjectLocation, limits: TransferLimits, describe: DescribeFile): Promise<BroughtFile>;
  /** Whether files' first bytes are read ahead of their transfers (copies known to be allowed). */
  readonly readsAhead?: boolean;
  /** A dry run's look at the item, fetching nothing: the size the source says, or null when it says none. */
  look(item: ImportItem, limits: ItemLimits): Promise<number | null>;
}

/** `work` once `lane` has room, unless the run stopped while it waited. */
export const inLane = <T>(lane: Limiter, signal: AbortSignal, work: () => Promise<T>): Promise<T> =>
  lane(() => {
    signal.throwIfAborted();
    return work();
  });

/** Bytes a part of a streamed file: a part's memory is what a file in flight costs, whatever its length. */
export const STREAM_PART_BYTES = 8 * 1024 * 1024;

/**
 * A file streamed from its source into `target`: its first bytes read (and described) before the
 * upload starts, then the whole body, the first bytes included, in parts of STREAM_PART_BYTES.
 */
export async function streamInto(
  deps: ImportDeps,
  target: ObjectLocation,
  source: Readable,
  limits: ItemLimits & { expectedSize: number | null },
  describe: DescribeFile,
): Promise<BroughtFile> {
  const { head, body } = await readHead(source, HEAD_BYTES);
  const facts = await describe(head, limits.expectedSize);
  const { size } = await deps.storage.uploadStream({
    ...target,
    body,
    contentType: facts.contentType,
    metadata: facts.metadata,
    partSize: STREAM_PART_BYTES,
    maxBytes: limits.maxBytes,
    expectedSize: limits.expectedSize ?? undefined,
  });
  return { ...facts, size, head };
}
