/**
 * `BENCH_CHUNKED=fair npm run bench -- --only chunked`: long videos fair across tenants. Two worker
 * processes pinned to a core each (one render slot and two job slots each), the default preset and
 * VIDEO_CHUNK_SECONDS. A's videos at BENCH_FAIR_LONG_MBIT (2 Mbit/s). Idle first: tenant B's camera photo, `complete` → its job's commit (the
 * median of three), and B's 2-minute 1080p clip, `complete` → `asset.playable` (then deleted). Then
 * tenant A's four 10-minute 1080p videos (BENCH_FAIR_LONG_SECONDS) are queued and under way, and B's
 * photo and clip are queued again: the photo against its idle time (goal ≤ 5×), the clip's
 * `asset.playable` against its idle time plus one piece's render time (goal ≤ 2×), that piece's time
 * being the median of A's parts that ended meanwhile (from their queue entries). The rig is closed
 * once B's figures are in: A's videos are not waited for.
 */
import { readFile } from 'node:fs/promises';
import { ASSET_CHUNK_QUEUE, type ChunkRenderPayload } from '@darkroom/core/queue';
import { createRedisConnection } from '@darkroom/queue';
import { Queue } from 'bullmq';
import { TestApi } from '../test/support/client.js';
import { median } from '../test/support/flood.js';
import { clipFile } from './chunked-clips.js';
import { FIRST_CORE } from './chunked-bare.js';
import { photoMs } from './queue-mix.js';
import { benchEnv, emptyBenchBuckets } from './support.js';
import { type BenchRow, row } from './table.js';
import { cameraPhotos, type BenchInput } from './worker-inputs.js';
import { type Rig, startRig, watchEvents } from './worker-rig.js';

/** A's videos' length (BENCH_FAIR_LONG_SECONDS) and B's clip's (BENCH_FAIR_CLIP_SECONDS). */
const LONG_SECONDS = Number(process.env.BENCH_FAIR_LONG_SECONDS ?? 600);
/**
 * A's videos' bitrate at most, in Mbit/s (BENCH_FAIR_LONG_MBIT): the local S3 server keeps its
 * objects in 4 GiB of memory, which four 10-minute uploads at a phone's 10 Mbit/s (750 MB each, and
 * a copy of each on `complete`) would fill. The encode's work is the frames', not the bitrate's.
 */
const LONG_MBIT = Number(process.env.BENCH_FAIR_LONG_MBIT ?? 2);
const CLIP_SECONDS = Number(process.env.BENCH_FAIR_CLIP_SECONDS ?? 120);
const LONG_VIDEOS = 4;
const IDLE_PHOTOS = 3;
const workerEnv = {
  // A loaded machine should give slow figures, not a render_timeout.
  VIDEO_JOB_TIMEOUT: '30x+30m',
  VIDEO_CHUNK_TIMEOUT: '30x+30m',
};

interface Tenant {
  /** The rig as seen by this tenant (its key, its event stream). */
  rig: Rig;
  tenantId: string;
}

async function tenantOf(rig: Rig, name: string): Promise<Tenant> {
  const { apiKey, tenantId } = await rig.admin.createTenant(name);
  return { rig: { ...rig, tenant: new TestApi(rig.tenant.baseUrl, apiKey), tenantId }, tenantId };
}

/** A video uploaded and completed by `tenant`: `complete` → `asset.playable` on its event stream, in ms. */
async function playableMs(tenant: Tenant, path: string): Promise<{ ms: number; assetId: string }> {
  const { asset, parts } = await tenant.rig.tenant.upload(new Uint8Array(await readFile(path)), { filename: 'clip.mp4', contentType: 'video/mp4' });
  const watch = await watchEvents(tenant.rig);
  try {
    const started = Date.now();
    const completed = await tenant.rig.tenant.request('POST', `/v1/uploads/${asset.id}/complete`, parts ? { parts } : {});
    if (completed.status !== 202) throw new Error(`complete: ${completed.status} ${JSON.stringify(completed.body)}`);
    const failed = watch.arrivedAt('asset.failed').then(() => Promise.reject(new Error('the clip failed')));
    return { ms: (await Promise.race([watch.arrivedAt('asset.playable'), failed])) - started, assetId: asset.id };
  } finally {
    watch.close();
  }
}

/** Render times (taken → ended) of the parts of `assetIds` that ended after `since`, from the chunk queue's entries. */
async function partTimes(assetIds: ReadonlySet<string>, since: number): Promise<number[]> {
  const connection = createRedisConnection({ url: benchEnv.REDIS_URL!, clusterNodes: null }, { maxRetriesPerRequest: null });
  const queue = new Queue<ChunkRenderPayload>(ASSET_CHUNK_QUEUE, { connection, prefix: benchEnv.QUEUE_PREFIX! });
  try {
    const ended = await queue.getJobs(['completed']);
    return ended
      .filter((e) => e && assetIds.has(e.data.assetId) && (e.finishedOn ?? 0) > since && e.processedOn)
      .map((e) => e.finishedOn! - e.processedOn!);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

interface Figures {
  idlePhotoMs: number;
  idleClipMs: number;
  photoMs: number;
  clipMs: number;
  pieceMs: number;
  pieces: number;
}

async function measure(rig: Rig, photo: BenchInput, long: string, clip: string): Promise<Figures> {
  const a = await tenantOf(rig, 'bench-fair-a');
  const b = await tenantOf(rig, 'bench-fair-b');
  const idlePhotos: number[] = [];
  for (let i = 0; i < IDLE_PHOTOS; i++) idlePhotos.push(await photoMs(b.rig, photo));
  const idleClip = await playableMs(b, clip);
  // Its other rungs would load the machine A's run needs: it goes (its parts stop within a second).
  await b.rig.tenant.request('DELETE', `/v1/assets/${idleClip.assetId}`);
  console.log(`  idle: photo ${idlePhotos.map(Math.round).join(', ')} ms; clip playable ${Math.round(idleClip.ms)} ms`);

  const bytes = new Uint8Array(await readFile(long));
  const aJobs: string[] = [];
  const aAssets = new Set<string>();
  for (let i = 0; i < LONG_VIDEOS; i++) {
    const { asset, job } = await a.rig.tenant.uploadAndComplete(bytes, { filename: `long-${i}.mp4`, contentType: 'video/mp4' });
    aJobs.push(job.id);
    aAssets.add(asset.id);
  }
  // Under way: every one of A's jobs has started (before, they then held every job slot of the fleet).
  for (;;) {
    const rows = await rig.db.query.jobs.findMany({ where: (j, { inArray }) => inArray(j.id, aJobs) });
    if (rows.every((r) => r.startedAt)) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const since = Date.now();
  const [loadedPhoto, loadedClip] = await Promise.all([photoMs(b.rig, photo), playableMs(b, clip)]);
  const pieces = await partTimes(aAssets, since);
  console.log(
    `  beside A's videos: photo ${Math.round(loadedPhoto)} ms; clip playable ${Math.round(loadedClip.ms)} ms; A's parts meanwhile ${pieces.length}`,
  );
  return {
    idlePhotoMs: median(idlePhotos),
    idleClipMs: idleClip.ms,
    photoMs: loadedPhoto,
    clipMs: loadedClip.ms,
    pieceMs: pieces.length > 0 ? median(pieces) : Number.NaN,
    pieces: pieces.length,
  };
}

const seconds = (ms: number) => (Number.isNaN(ms) ? 'none' : `${(ms / 1000).toFixed(1)} s`);

export async function runChunkedFairBench(): Promise<BenchRow[]> {
  const [photo] = await cameraPhotos(1);
  const long = await clipFile(LONG_SECONDS, LONG_MBIT);
  const clip = await clipFile(CLIP_SECONDS);
  console.log(
    `chunked fair: ${LONG_VIDEOS} × ${LONG_SECONDS} s of tenant A, then B's ${photo!.megapixels.toFixed(0)} MP photo and ${CLIP_SECONDS} s clip`,
  );
  const rig = await startRig(2, workerEnv, {}, { cpus: [FIRST_CORE, String(Number(FIRST_CORE) + 1)] });
  let f: Figures;
  try {
    f = await measure(rig, photo!, long, clip);
  } finally {
    await rig.close();
    // Gigabytes of A's videos and their parts: not left in a shared S3 server's memory.
    await emptyBenchBuckets();
  }
  const photoRatio = f.photoMs / f.idlePhotoMs;
  // Without a part of A's ended meanwhile there is no piece to allow for: the clip against its idle time alone.
  const allowance = f.idleClipMs + (Number.isNaN(f.pieceMs) ? 0 : f.pieceMs);
  const clipRatio = f.clipMs / allowance;
  return [
    row(
      `chunked fair: B's photo complete→ready beside A's ${LONG_VIDEOS} × ${LONG_SECONDS / 60} min videos, vs idle`,
      seconds(f.photoMs),
      `${seconds(f.idlePhotoMs)} idle`,
      photoRatio,
      '≤ 5.00×',
      photoRatio <= 5,
    ),
    row(
      `chunked fair: B's ${CLIP_SECONDS / 60} min clip complete→playable beside them, vs idle + one piece`,
      seconds(f.clipMs),
      `${seconds(allowance)} (${seconds(f.idleClipMs)} + ${seconds(f.pieceMs)})`,
      clipRatio,
      '≤ 2.00×',
      clipRatio <= 2,
    ),
    row(`chunked fair: one of A's pieces, taken → ended (median of ${f.pieces})`, seconds(f.pieceMs), '—', null, '—', null),
  ];
}
