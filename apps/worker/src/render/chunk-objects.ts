import { chunkJobPrefix, type ChunkPart } from '@darkroom/core';
import type { Asset, Job } from '@darkroom/db';
import type { HlsChunk, HlsLadderSpec, VideoProbe } from '@darkroom/media';
import { assetObjectLocation, ObjectNotFoundError, type ObjectLocation } from '@darkroom/storage';
import type { WorkerDeps } from '../deps.js';

/**
 * What every part of one ladder's chunked render reads: written by the AssetProcess job that
 * planned it, beside the chunks, so a chunk job's payload carries ids only and every worker renders
 * the same plan whatever its own settings.
 */
export interface ChunkPlan {
  probe: VideoProbe;
  spec: HlsLadderSpec;
  chunks: HlsChunk[];
  /**
   * The pieces the lowest rung is rendered in (media's halveHlsChunks: every chunk in two); a plan
   * stored before there were pieces has none, and its lowest rung goes by `chunks`.
   */
  lowestPieces?: HlsChunk[];
  /** The pieces the other rungs are rendered in (the same halves); a plan stored before has none, and they go by `chunks`. */
  upperPieces?: HlsChunk[];
  /** Its index in planHlsLadder's order (media's lowestRung). */
  lowest: number;
  /** Every rung's index, highest first. */
  rungs: number[];
}

/** The ranges a part of this kind is numbered in: its rungs' pieces, or the chunks (the audio, and a plan from before pieces). */
export const rangesOf = (plan: ChunkPlan, part: ChunkPart): readonly HlsChunk[] =>
  (part === 'lowest' ? plan.lowestPieces : part === 'upper' ? plan.upperPieces : undefined) ?? plan.chunks;

/** A part's files once all of them are stored: the marker a retried part, and the join, read. */
export interface PartDone {
  files: { name: string; size: number }[];
}

const PLAN = 'plan.json';
const doneName = (part: ChunkPart, chunk: number) => `done-${part}-${chunk}.json`;

/** One ladder's chunk objects: always in the private place, under the job's chunk prefix. */
export function chunkObjects(deps: WorkerDeps, asset: Pick<Asset, 'tenantId' | 'id'>, jobId: string, ladder: string) {
  const prefix = `${chunkJobPrefix(asset.tenantId, asset.id, jobId)}${ladder}/`;
  const at = (name: string): ObjectLocation => assetObjectLocation(deps.config.storage, 'private', `${prefix}${name}`);
  const readJson = async <T>(name: string): Promise<T | null> => {
    try {
      const body = await deps.storage.getStream(at(name));
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return null;
      throw error;
    }
  };
  const writeJson = (name: string, value: unknown) =>
    deps.storage.putObject({ ...at(name), body: Buffer.from(JSON.stringify(value)), contentType: 'application/json' });
  return {
    at,
    /** Every object of the ladder's chunks: gone once it is joined, or its render ended otherwise. */
    deleteAll: () => deleteChunksUnder(deps, prefix),
    readPlan: () => readJson<ChunkPlan>(PLAN),
    writePlan: (plan: ChunkPlan) => writeJson(PLAN, plan),
    readDone: (part: ChunkPart, chunk: number) => readJson<PartDone>(doneName(part, chunk)),
    writeDone: (part: ChunkPart, chunk: number, done: PartDone) => writeJson(doneName(part, chunk), done),
  };
}
export type ChunkObjects = ReturnType<typeof chunkObjects>;

/**
 * Every chunk object of a job whose end is recorded (failed for good): a part still running when
 * the job gave up may have stored its files after the job's own cleanup. A part reads its job after
 * every store (chunkRender), so between that read and this removal, made after the record, every
 * file goes. A failure here leaves them to the orphan sweep.
 */
export async function discardJobChunks(deps: WorkerDeps, job: Pick<Job, 'id' | 'tenantId' | 'assetId'>): Promise<void> {
  await deleteChunksUnder(deps, chunkJobPrefix(job.tenantId, job.assetId, job.id)).catch((error: unknown) =>
    deps.log.warn({ jobId: job.id, err: error }, "could not remove a failed job's chunks"),
  );
}

/** Every chunk object under `prefix`, in the private place where chunks always are. */
async function deleteChunksUnder(deps: WorkerDeps, prefix: string): Promise<void> {
  const place = assetObjectLocation(deps.config.storage, 'private', prefix);
  await deps.storage.deletePrefix({ bucket: place.bucket, prefix: place.key });
}
