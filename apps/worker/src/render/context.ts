import type { Asset, Job } from '@darkroom/db/schema';
import type { AssetFacts } from '@darkroom/db/queries/assets';
import type { WorkerDeps } from '../deps.js';
import type { ChunkFlow } from './video/chunk-objects.js';
import type { LocalOriginal } from './fetch-original.js';
import type { StageTimer } from './stage-timer.js';
import type { StoredVariant } from './usage.js';

/**
 * What one render of an asset works with, for every job that renders (AssetProcess, AssetBackfill)
 * and every kind (an image, a video and its poster).
 */
export interface RenderContext {
  deps: WorkerDeps;
  /** The asset as the job read it: its revision, crop and focus are what the render cuts. */
  asset: Asset;
  /** Its original, on local disk for the length of the render. */
  original: LocalOriginal;
  /** The job row's id (a video writes its progress there). */
  jobId: string;
  /** Where the render's stages are timed. */
  stages: StageTimer;
  /** How a long video's ladders go (absent: each in one render, here). */
  chunks?: ChunkMode | undefined;
}

/**
 * A long video's ladders, by the job's entry: planned and their parts queued (`plan`, the job's own
 * entry, which then ends), or joined from the parts stored (`join`, its join step, which records the render).
 */
export type ChunkMode = { mode: 'plan'; row: Job } | { mode: 'join'; row: Job; flow: ChunkFlow };

/** A video whose ladders were planned in chunks: the job's entry ends here, its join step records the render. */
export interface ChunksQueued {
  chunksQueued: true;
}

/** A rendered asset: its variants (already in the bucket) and what its row records. */
export interface RenderedAsset {
  records: StoredVariant[];
  asset: AssetFacts;
}
