import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { ASSET_CHUNK_QUEUE } from '@darkroom/core/queue';
import { chunkAssetPrefix } from '@darkroom/core/keys';
import { createRedisConnection } from '@darkroom/queue';
import { assetObjectLocation } from '@darkroom/storage';
import { QueueEvents } from 'bullmq';
import type { TestApi } from './client.js';
import type { Harness } from './harness.js';
import { writePresetsFile } from './presets.js';
import { waitFor } from './services.js';
import { ffmpeg, ffprobeJson } from '../../packages/media/src/video/test-clips.js';

/** The media tests' clips (ffmpeg lavfi, tiny, made once per process on first use) and ffprobe's JSON. */
export {
  clip,
  declareDuration,
  ffmpeg,
  ffprobeJson,
  QUIET_MINUTES,
  SPARSE,
  videoFrames,
  type ClipName,
  type FfprobeJson,
} from '../../packages/media/src/video/test-clips.js';

const run = promisify(execFile);

/**
 * A clip long and busy enough (noise does not compress) that its transcode is still running a few
 * seconds in: for killing one midway. Made once per length and process.
 */
const slowClips = new Map<number, Promise<string>>();
export function slowVideo(seconds = 40): Promise<string> {
  let made = slowClips.get(seconds);
  if (!made) {
    made = (async () => {
      const out = join(await mkdtemp(join(tmpdir(), 'darkroom-slow-')), `slow-${seconds}s.mp4`);
      const source = `testsrc2=size=320x240:rate=25:duration=${seconds},noise=alls=40:allf=t`;
      // A high CRF keeps the upload a few MB; decoding and encoding the noise is what takes the time. A
      // keyframe each second, as cameras write them: a long video is rendered in pieces only where each
      // piece's seek lands near its start (piecesDecodeNearTheirRange), and the chunked tests cut 2-4 s pieces.
      const encode = ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '38', '-g', '25', '-pix_fmt', 'yuv420p'];
      await ffmpeg(['-f', 'lavfi', '-i', source, ...encode, out]);
      return out;
    })();
    slowClips.set(seconds, made);
  }
  return made;
}

/** A 640x360 clip at 10 fps with a tone, `seconds` long: two rungs (360 and 240 lines) cheap to encode. Made once per length and process. */
const ladderClips = new Map<number, Promise<string>>();
export function twoRungClip(seconds: number): Promise<string> {
  let made = ladderClips.get(seconds);
  if (!made) {
    made = (async () => {
      const out = join(await mkdtemp(join(tmpdir(), 'darkroom-two-rungs-')), `two-rungs-${seconds}s.mp4`);
      const video = ['-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=10:duration=${seconds}`];
      const tone = ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`];
      // A keyframe each second: its pieces are rendered in chunks (piecesDecodeNearTheirRange), as slowVideo's.
      const encode = ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-pix_fmt', 'yuv420p', '-c:a', 'aac'];
      await ffmpeg([...video, ...tone, '-shortest', ...encode, out]);
      return out;
    })();
    ladderClips.set(seconds, made);
  }
  return made;
}

/** Uploads a file through the API (presigned PUT or multipart, then complete) as `contentType`. */
export async function uploadVideo(client: TestApi, path: string, contentType = 'video/mp4', preset?: string) {
  const bytes = new Uint8Array(await readFile(path));
  return client.uploadAndComplete(bytes, { filename: path.split('/').pop()!, contentType, ...(preset ? { preset } : {}) });
}

/** Downloads a rendition by its public URL (no credentials) into a temporary file; returns it with the response. */
export async function downloadRendition(url: string) {
  const res = await fetch(url);
  const data = Buffer.from(await res.arrayBuffer());
  const path = join(await mkdtemp(join(tmpdir(), 'darkroom-rendition-')), url.split('/').pop()!);
  await writeFile(path, data);
  return { status: res.status, headers: res.headers, data, path, probe: await ffprobeJson(path) };
}

/** The top-level boxes of an MP4, in file order (`+faststart` puts `moov` before `mdat`). */
export function topLevelBoxes(bytes: Buffer): string[] {
  const boxes: string[] = [];
  for (let at = 0; at + 8 <= bytes.length; ) {
    let size = bytes.readUInt32BE(at);
    if (size === 1) size = Number(bytes.readBigUInt64BE(at + 8));
    boxes.push(bytes.toString('latin1', at + 4, at + 8));
    if (size < 8) break;
    at += size;
  }
  return boxes;
}

/** Every tag ffprobe finds on the container and its streams, in one object per place. */
export async function metadataTags(path: string): Promise<Record<string, string>[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path]);
  const json = JSON.parse(stdout) as { format: { tags?: Record<string, string> }; streams: { tags?: Record<string, string> }[] };
  return [json.format.tags ?? {}, ...json.streams.map((s) => s.tags ?? {})];
}

/** Command lines of running ffmpeg/ffprobe processes that mention `text` (a worker's temp dir). */
export async function mediaProcessesMentioning(text: string): Promise<string[]> {
  const { stdout } = await run('ps', ['-eo', 'args']);
  return stdout.split('\n').filter((line) => /^\S*ff(mpeg|probe)\b/.test(line) && line.includes(text));
}

/** Process ids of running ffmpeg processes whose command line mentions `text` (a chunk part's temp dir). */
export async function mediaProcessIdsMentioning(text: string): Promise<number[]> {
  const { stdout } = await run('ps', ['-eo', 'pid=,args=']);
  return stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\S*ffmpeg\b.*)$/.exec(line))
    .filter((match) => match !== null && match[2]!.includes(text))
    .map((match) => Number(match![1]));
}

/**
 * The files a directory holds, recursively, by their paths in it (a worker's TMP_DIR after its
 * jobs); directories are left out, as a worker keeps its own (empty) one there while it runs.
 */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => !e.isDirectory()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

/** Waits until a job's ffmpeg runs (its temp files under `tmpDir`) and it has reported progress. */
export async function waitForTranscode(client: TestApi, jobId: string, tmpDir: string): Promise<void> {
  await waitFor(
    'the transcode to be under way',
    async () => {
      const now = (await client.request('GET', `/v1/jobs/${jobId}`)).body;
      return (now.progress ?? 0) > 0 && now.state === 'active' && (await mediaProcessesMentioning(tmpDir)).length > 0;
    },
    120_000,
    200,
  );
}

/** The keys of an asset's chunk objects (a long video's ladder while it renders in chunks), in the private place. */
export async function chunkObjectsOf(harness: Harness, tenantId: string, assetId: string): Promise<string[]> {
  const place = assetObjectLocation(harness.api.config.storage, 'private', chunkAssetPrefix(tenantId, assetId));
  const keys: string[] = [];
  for await (const object of harness.api.storage.listObjects({ bucket: place.bucket, prefix: place.key })) keys.push(object.key);
  return keys;
}

/**
 * Counts the chunk parts (ChunkRender entries: a long video's ladder in pieces) the harness's workers
 * queue from now on, as Redis's event stream of the chunk queue tells them: none for a ladder made in one pass.
 */
export async function watchChunkParts(harness: Harness): Promise<{ count: () => number; close: () => Promise<void> }> {
  const connection = createRedisConnection(harness.api.config.redis, { maxRetriesPerRequest: null });
  const events = new QueueEvents(ASSET_CHUNK_QUEUE, { connection, prefix: harness.prefix });
  await events.waitUntilReady();
  let added = 0;
  events.on('added', ({ name }) => {
    if (name === 'ChunkRender') added++;
  });
  return {
    count: () => added,
    close: async () => {
      await events.close();
      connection.disconnect();
    },
  };
}

/** Waits until an asset is `playable` (a long video's lowest rung published, or any video ready); returns it as then shown. */
export async function waitForPlayable(client: TestApi, assetId: string, timeoutMs = 120_000) {
  return waitFor(
    `asset ${assetId} to be playable`,
    async () => {
      const { body } = await client.request('GET', `/v1/assets/${assetId}`);
      return body.playable ? body : null;
    },
    timeoutMs,
    50,
  );
}

/** Waits for an asset to be ready, reading its job's progress every 250 ms: every value read, in order, after `before`. */
export async function progressUntilReady(client: TestApi, ids: { assetId: string; jobId: string }, timeoutMs: number, before: number[] = []) {
  const seen = [...before];
  await waitFor(
    'the asset to be ready',
    async () => {
      seen.push((await client.request('GET', `/v1/jobs/${ids.jobId}`)).body.progress ?? 0);
      return (await client.request('GET', `/v1/assets/${ids.assetId}`)).body.status === 'ready';
    },
    timeoutMs,
    250,
  );
  return seen;
}

/**
 * The settings of a harness whose worker renders the `ladder` preset (an HLS ladder of 2 s segments
 * and a 360p MP4) in chunks: the 5 s `ladder.mp4` clip as [0, 2) and [2, 5) (a tail under a segment
 * joins the chunk before it). Its temporary files go under a directory of their own.
 */
export async function chunkedLadderEnv(): Promise<{ env: Record<string, string> }> {
  const tmpDir = await mkdtemp(join(tmpdir(), 'darkroom-chunked-worker-'));
  const presets = await writePresetsFile({
    ladder: [
      { name: 'stream', format: 'hls', width: 1920, height: 1080, quality: 70, segmentSeconds: 2 },
      { name: '360p', fit: 'inside', width: 640, height: 360, format: 'mp4', quality: 70 },
    ],
  });
  return { env: { PRESETS_FILE: presets, TMP_DIR: tmpDir, VIDEO_CHUNK_SECONDS: '2' } };
}
