import { createHash } from 'node:crypto';
import { chunkJobPrefix } from '@darkroom/core/keys';
import type { ChunkPart } from '@darkroom/core/queue';
import type { HlsVariantSpec } from '@darkroom/core/presets';
import type { Asset, Job } from '@darkroom/db/schema';
import type { HlsChunk, HlsLadderSpec, VideoProbe } from '@darkroom/media';
import { assetObjectLocation, ObjectNotFoundError, type ObjectLocation } from '@darkroom/storage';
import type { WorkerDeps } from '../../deps.js';

/**
 * What every part of one ladder's chunked render reads: written by the job that planned it, beside
 * the chunks, so a part's payload carries ids only and every worker renders the same plan whatever
 * its own settings.
 */
export interface ChunkPlan {
  /** The ladder's variant as the preset had it when planned: the interim stream and the join are of this spec. */
  variant: HlsVariantSpec;
  probe: VideoProbe;
  spec: HlsLadderSpec;
  chunks: HlsChunk[];
  /** The pieces the lowest rung is rendered in (media's halveHlsChunks: every chunk in two). */
  lowestPieces: HlsChunk[];
  /** The pieces the other rungs are rendered in (the same halves). */
  upperPieces: HlsChunk[];
  /** Its index in planHlsLadder's order (media's lowestRung). */
  lowest: number;
  /** Every rung's index, highest first. */
  rungs: number[];
}

/** The hash a plan's parts carry (their payload, their marker, their place): two plans never share a part. */
export const planHashOf = (plan: ChunkPlan) => createHash('sha256').update(JSON.stringify(plan)).digest('hex').slice(0, 16);

/**
 * A job's chunked render as a whole, stored first at its chunk prefix: each chunked ladder's name
 * and the hash of its current plan, and what the parts report.
 */
export interface ChunkFlow {
  ladders: { name: string; planHash: string }[];
  /** Whether each ladder's lowest rung is published once stored (a first render: the asset was not playable). */
  interim: boolean;
  /** The share of the job's progress its ladders stand for (the rest is the join's renditions and storyboards). */
  progressShare: number;
}

/** The ranges a part of this kind is numbered in: its rungs' pieces, or the chunks (the audio). */
export const rangesOf = (plan: ChunkPlan, part: ChunkPart): readonly HlsChunk[] =>
  part === 'lowest' ? plan.lowestPieces : part === 'upper' ? plan.upperPieces : plan.chunks;

/** A part's files once all of them are stored, and the plan they were rendered for: the marker the join reads. */
export interface PartDone {
  planHash: string;
  files: { name: string; size: number }[];
}

const FLOW = 'flow.json';
const PLAN = 'plan.json';
const INTERIM = 'interim.json';
const DONE = 'done-';
const doneName = (part: ChunkPart, chunk: number) => `${DONE}${part}-${chunk}.json`;
/** A part's key in a set of stored markers. */
export const partKey = (part: ChunkPart, chunk: number) => `${part}-${chunk}`;

/** One job's chunk objects: always in the private place, under the job's chunk prefix (objects of one plan under its hash). */
export function chunkObjects(deps: WorkerDeps, asset: Pick<Asset, 'tenantId' | 'id'>, jobId: string) {
  const jobPrefix = chunkJobPrefix(asset.tenantId, asset.id, jobId);
  const at = (name: string): ObjectLocation => assetObjectLocation(deps.config.storage, 'private', `${jobPrefix}${name}`);
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
  /** The objects of one ladder's plan. */
  const ladder = (name: string, planHash: string) => {
    const dir = `${name}/${planHash}/`;
    return {
      at: (file: string) => at(`${dir}${file}`),
      readPlan: () => readJson<ChunkPlan>(`${dir}${PLAN}`),
      writePlan: (plan: ChunkPlan) => writeJson(`${dir}${PLAN}`, plan),
      readDone: async (part: ChunkPart, chunk: number) => {
        const done = await readJson<PartDone>(`${dir}${doneName(part, chunk)}`);
        return done?.planHash === planHash ? done : null;
      },
      writeDone: (part: ChunkPart, chunk: number, files: PartDone['files']) =>
        writeJson(`${dir}${doneName(part, chunk)}`, { planHash, files } satisfies PartDone),
      /** The parts whose marker is stored (`partKey`s): one listing of the markers alone. */
      async listDone(): Promise<Set<string>> {
        const place = at(`${dir}${DONE}`);
        const done = new Set<string>();
        for await (const object of deps.storage.listObjects({ bucket: place.bucket, prefix: place.key })) {
          const name = /done-(\w+)-(\d+)\.json$/.exec(object.key);
          if (name) done.add(partKey(name[1] as ChunkPart, Number(name[2])));
        }
        return done;
      },
      readInterim: async () => (await readJson<{ published: boolean }>(`${dir}${INTERIM}`)) !== null,
      writeInterim: () => writeJson(`${dir}${INTERIM}`, { published: true }),
    };
  };
  return {
    at,
    readFlow: () => readJson<ChunkFlow>(FLOW),
    writeFlow: (flow: ChunkFlow) => writeJson(FLOW, flow),
    ladder,
    /** Every chunk object of the job: gone once its render is recorded, or failed for good. */
    deleteAll: () => deleteChunksUnder(deps, jobPrefix),
  };
}
export type ChunkObjects = ReturnType<typeof chunkObjects>;
export type LadderObjects = ReturnType<ChunkObjects['ladder']>;

/**
 * Every chunk object of a job whose end is recorded (failed for good): a part still running when
 * the job gave up may store its files after that. A part reads its job after every store
 * (chunkRender), so between that read and this removal, made after the record, every file goes. A
 * failure here leaves them to the orphan sweep.
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
