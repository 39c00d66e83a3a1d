/**
 * `npm run bench -- --only private`: private links (`/p/{exp}/{sig}/{assetId}/{rest}`,
 * docs/delivery.md#private-media) against what each stands beside, in the same run on one delivery
 * process: a stored render against the same render of a public copy of the photo through `/img/`;
 * a stored WebP variant and an HLS segment against the same object read straight from the bucket
 * with a presigned GET, and through a second delivery process that keeps nothing in memory; and the
 * delivery process's RSS while a 500 MB object streams through it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Asset } from '@darkroom/client';
import { variantPrefix } from '@darkroom/core/keys';
import {
  assetObjectLocation,
  createS3Storage,
  type ObjectLocation,
  type ObjectStorage,
  parseStorageConfig,
  type StorageConfig,
} from '@darkroom/storage';
import { timedGet } from './delivery.js';
import { QUALITY, startDeliveryServer, WIDTH } from './delivery-peers.js';
import { CONNECTIONS, cpuPerRequest, type LoadResult, loadInTurn, rps } from './load.js';
import { makeClip } from './streaming.js';
import { LARGE_BYTES, LARGE_MB, LARGE_NAME, largeObjectRows, mbPerSecond } from './private-large.js';
import { benchEnv, step, stop } from './support.js';
import { type BenchRow, row } from './table.js';
import { cameraPhotos } from './worker-inputs.js';
import { startRig, upload } from './worker-rig.js';

const SECONDS = Number(process.env.BENCH_PRIVATE_SECONDS ?? 8);
const RENDER = `w_${WIDTH},q_${QUALITY},f_webp`;
/** The sizes the issue names: an eager variant of about 100 KB, an HLS segment of about 2 MB, a 500 MB object. */
const VARIANT_BYTES = 100_000;
const SEGMENT_BYTES = 2_000_000;
/** Three 4 s segments a rung; at the default ladder's quality, a top rung's segment of this clip is about SEGMENT_BYTES. */
const CLIP_SECONDS = 12;
/** The bench's presigned GETs live this long: more than any part takes. */
const PRESIGN_SECONDS = 3600;

/** The bench's three assets as the API answers once they are ready: a private one's URLs carry its token. */
interface Uploaded {
  tenantId: string;
  publicPhoto: Asset;
  privatePhoto: Asset;
  privateVideo: Asset;
}

/**
 * The delivery process under bench, one beside it that keeps nothing in memory (what a request the
 * cache misses costs), and the bucket the private objects are in.
 */
interface Context {
  server: string;
  pid: number;
  uncached: { server: string; pid: number };
  tenantId: string;
  storage: ObjectStorage;
  config: StorageConfig;
}

/** A private object as both sides fetch it: through `/p/` on the delivery process, and presigned from the bucket. */
interface ObjectUrls {
  size: number;
  throughDelivery: string;
  fromBucket: string;
}

/** One camera photo uploaded public and private, and a private 1080p clip, through the API and a worker until ready. */
async function uploadAssets(): Promise<Uploaded> {
  const [photo] = await cameraPhotos(1);
  const clipDir = await mkdtemp(join(tmpdir(), 'darkroom-bench-private-'));
  const rig = await startRig(1);
  try {
    const clip = { path: await makeClip(clipDir, CLIP_SECONDS) };
    const started = [await upload(rig, photo!), await upload(rig, photo!, 'private'), await upload(rig, clip, 'private')];
    const [publicPhoto, privatePhoto, privateVideo] = await Promise.all(
      started.map(async ({ asset }) => {
        const done = await rig.tenant.waitForAsset(asset.id, 600_000);
        if (done.status !== 'ready') throw new Error(`asset ${asset.id} ended ${done.status}: ${JSON.stringify(done.error)}`);
        return done;
      }),
    );
    return { tenantId: rig.tenantId, publicPhoto: publicPhoto!, privatePhoto: privatePhoto!, privateVideo: privateVideo! };
  } finally {
    await rig.close();
    await rm(clipDir, { recursive: true, force: true });
  }
}

/** `url`'s path on the delivery process: the API starts before that process's port is chosen, so its URLs name another origin. */
const onServer = (ctx: Context, url: string) => `${ctx.server}${new URL(url).pathname}`;

/** A private URL's `/p/{exp}/{sig}/{assetId}`, and the `rest` after it. */
function splitPrivateUrl(url: string): { token: string; rest: string } {
  const segments = new URL(url).pathname.split('/');
  return { token: segments.slice(0, 5).join('/'), rest: segments.slice(5).join('/') };
}

/** Where `rest` of a private asset is in the bucket (the private place). */
const privateLocation = (ctx: Context, asset: Asset, rest: string): ObjectLocation =>
  assetObjectLocation(ctx.config, 'private', `${variantPrefix(ctx.tenantId, asset.id)}${rest}`);

/** `rest` of a private asset through `/p/` (under the token of the API's URLs for it), and presigned from the bucket. */
async function objectUrls(ctx: Context, asset: Asset, rest: string, size: number): Promise<ObjectUrls> {
  const { token } = splitPrivateUrl(asset.variants[0]!.url);
  const presigned = await ctx.storage.presignGet({ ...privateLocation(ctx, asset, rest), expiresInSeconds: PRESIGN_SECONDS });
  return { size, throughDelivery: `${ctx.server}${token}/${rest}`, fromBucket: presigned.url };
}

const nearest = <T>(items: readonly T[], sizeOf: (item: T) => number, target: number): T | undefined =>
  items.reduce<T | undefined>(
    (best, item) => (best === undefined || Math.abs(sizeOf(item) - target) < Math.abs(sizeOf(best) - target) ? item : best),
    undefined,
  );

/** The private photo's eager WebP variant nearest VARIANT_BYTES. */
async function eagerVariant(ctx: Context, photo: Asset): Promise<ObjectUrls> {
  const variant = nearest(
    photo.variants.filter((v) => v.format === 'webp'),
    (v) => v.size,
    VARIANT_BYTES,
  );
  if (!variant) throw new Error(`asset ${photo.id} has no WebP variant`);
  return objectUrls(ctx, photo, splitPrivateUrl(variant.url).rest, variant.size);
}

/** The private video's media segment nearest SEGMENT_BYTES (one of the top rung's: the others are far smaller). */
async function hlsSegment(ctx: Context, video: Asset): Promise<ObjectUrls> {
  const stream = video.variants.find((v) => v.format === 'hls');
  if (!stream) throw new Error(`asset ${video.id} has no HLS ladder`);
  const streamDir = splitPrivateUrl(stream.url).rest.replace(/[^/]*$/, '');
  const assetPlace = privateLocation(ctx, video, '');
  const segments: { rest: string; size: number }[] = [];
  for await (const object of ctx.storage.listObjects({ bucket: assetPlace.bucket, prefix: `${assetPlace.key}${streamDir}` })) {
    if (object.key.endsWith('.m4s')) segments.push({ rest: object.key.slice(assetPlace.key.length), size: object.size });
  }
  const segment = nearest(segments, (s) => s.size, SEGMENT_BYTES);
  if (!segment) throw new Error(`asset ${video.id}'s ladder has no media segment`);
  return objectUrls(ctx, video, segment.rest, segment.size);
}

/** The same render of the public photo through `/img/` and of the private one through `/p/`, each stored first. */
async function renderLoads(ctx: Context, uploaded: Uploaded): Promise<Map<string, LoadResult>> {
  const renderUrl = (asset: Asset) => {
    if (!asset.delivery) throw new Error(`asset ${asset.id} has no delivery markup`);
    return `${onServer(ctx, asset.delivery.base)}/${RENDER}`;
  };
  const targets = [
    { name: '/img/', url: renderUrl(uploaded.publicPhoto), serverPid: ctx.pid },
    { name: '/p/', url: renderUrl(uploaded.privatePhoto), serverPid: ctx.pid },
  ];
  // The first request renders and stores; the repeated request is what is measured.
  for (const target of targets) await timedGet(target.url);
  return loadInTurn(targets, SECONDS);
}

const objectLoads = (ctx: Context, urls: ObjectUrls) =>
  loadInTurn(
    [
      { name: 'bucket', url: urls.fromBucket },
      { name: '/p/', url: urls.throughDelivery, serverPid: ctx.pid },
      { name: 'uncached', url: urls.throughDelivery.replace(ctx.server, ctx.uncached.server), serverPid: ctx.uncached.pid },
    ],
    SECONDS,
  );

/** A delivery process's CPU per answer, in µs. */
const cpuUs = (load: LoadResult) => `${Math.round(cpuPerRequest(load))} µs`;

function renderRows(loads: Map<string, LoadResult>): BenchRow[] {
  const [ours, img] = [loads.get('/p/')!, loads.get('/img/')!];
  return [
    row(
      `private render, repeated (${RENDER}): /p/ vs /img/ of a public copy`,
      rps(ours),
      rps(img),
      ours.rps / img.rps,
      '≥ 0.90×',
      ours.rps >= img.rps * 0.9,
    ),
    row('private render, repeated: /p/ p99', `${ours.p99} ms`, `/img/ ${img.p99} ms`, null, '< 20 ms', ours.p99 < 20),
  ];
}

function objectRows(label: string, loads: Map<string, LoadResult>): BenchRow[] {
  const [ours, bucket, uncached] = [loads.get('/p/')!, loads.get('bucket')!, loads.get('uncached')!];
  const rate = ours.rps / bucket.rps;
  const throughput = ours.bytesPerSecond / bucket.bytesPerSecond;
  return [
    row(`${label} through /p/ vs presigned GET: rate`, rps(ours), rps(bucket), rate, '≥ 0.80×', rate >= 0.8),
    row(
      `${label} through /p/ vs presigned GET: throughput`,
      mbPerSecond(ours.bytesPerSecond),
      mbPerSecond(bucket.bytesPerSecond),
      throughput,
      '≥ 0.80×',
      throughput >= 0.8,
    ),
    row(
      `${label} through /p/, nothing kept (DELIVERY_HOT_CACHE_MB=0) vs presigned GET: rate`,
      rps(uncached),
      rps(bucket),
      uncached.rps / bucket.rps,
      '—',
      null,
    ),
    row(`${label} through /p/: delivery CPU per answer, kept vs nothing kept`, cpuUs(ours), cpuUs(uncached), null, '—', null),
  ];
}

export async function runPrivateBench(): Promise<BenchRow[]> {
  console.log(`private bench: ${CONNECTIONS} connections, 2 × ${SECONDS} s per side, A B (C) (C) B A`);
  const uploaded = await step(`upload a photo public and private and a private ${CLIP_SECONDS} s 1080p clip, until ready`, uploadAssets);
  const server = await step('start the delivery server', () => startDeliveryServer());
  const uncached = await step('start a delivery server that keeps nothing', () => startDeliveryServer({ DELIVERY_HOT_CACHE_MB: '0' }));
  try {
    const config = parseStorageConfig(benchEnv);
    const ctx: Context = {
      server: server.base,
      pid: server.process.pid!,
      uncached: { server: uncached.base, pid: uncached.process.pid! },
      tenantId: uploaded.tenantId,
      storage: createS3Storage(config),
      config,
    };
    const render = await step('repeated render through /img/ and /p/', () => renderLoads(ctx, uploaded));
    const variant = await eagerVariant(ctx, uploaded.privatePhoto);
    const variantLoads = await step('eager variant through /p/, kept and not, and from the bucket', () => objectLoads(ctx, variant));
    const segment = await hlsSegment(ctx, uploaded.privateVideo);
    const segmentLoads = await step('HLS segment through /p/, kept and not, and from the bucket', () => objectLoads(ctx, segment));
    const large = await step(`${LARGE_MB} MB object through /p/`, () =>
      largeObjectRows({
        storage: ctx.storage,
        location: privateLocation(ctx, uploaded.privatePhoto, LARGE_NAME),
        urls: () => objectUrls(ctx, uploaded.privatePhoto, LARGE_NAME, LARGE_BYTES),
        deliveryPid: ctx.pid,
      }),
    );
    return [
      ...renderRows(render),
      ...objectRows(`private WebP variant (${Math.round(variant.size / 1000)} kB)`, variantLoads),
      ...objectRows(`private HLS segment (${(segment.size / 1e6).toFixed(2)} MB)`, segmentLoads),
      ...large,
    ];
  } finally {
    await Promise.all([stop(server.process), stop(uncached.process)]);
  }
}
