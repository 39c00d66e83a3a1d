import { readFile } from 'node:fs/promises';
import { originalKey } from '@darkroom/core/keys';
import { createS3Storage, parseStorageConfig } from '@darkroom/storage';
import { bareRender, type Peer, QUALITY, startBytesServer, startDeliveryServer, startIpx, startNext, WIDTH } from './delivery-peers.js';
import { CONNECTIONS, type LoadResult, loadInTurn, rps } from './load.js';
import { benchEnv, mb, memoryOf, settleBench, step, stop } from './support.js';
import { type BenchRow, row } from './table.js';
import { cameraPhotos, type BenchInput } from './worker-inputs.js';
import { startRig, upload } from './worker-rig.js';
import { median } from '../test/support/flood.js';

const PHOTOS = 12;
/** Each photo's first request is timed this many times: the same photos under other names (other assets). */
const ROUNDS = Number(process.env.BENCH_DELIVERY_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_DELIVERY_SECONDS ?? 8);
const BURST = 64;
/** Widths of the burst: within the default policy (so unsigned), none of them the 640 the other parts stored. */
const BURST_WIDTHS = [256, 384, 750, 828, 1080, 1200];
/** A page's srcset: the first width read aside (it reads the original), the others timed, one after another. */
const SRCSET_WIDTHS = [828, 1080, 1200];

/** One request, its whole body read; refuses anything but a 200 WebP (a bench of errors measures nothing). */
export async function timedGet(url: string, headers: Record<string, string> = {}): Promise<number> {
  const started = performance.now();
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  const ms = performance.now() - started;
  if (res.status !== 200 || res.headers.get('content-type') !== 'image/webp') {
    throw new Error(`${url}: ${res.status} ${res.headers.get('content-type')}`);
  }
  return ms;
}

/**
 * Darkroom's side: the photos uploaded through the API and the worker until ready, then those two
 * stopped and one delivery process started on the same database, bucket and Redis.
 */
async function startDarkroom(photos: readonly BenchInput[]): Promise<Peer & { getOriginalMs(photo: string): Promise<number> }> {
  const rig = await startRig(1);
  const assets = new Map<string, { id: string; revision: number }>();
  const nameOf = (photo: string, round: number) => `${round}:${photo}`;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const photo of photos) assets.set(nameOf(photo.path, round), (await upload(rig, photo)).asset);
    }
    for (const { id } of assets.values()) await rig.tenant.waitForStatus(id, 'ready', 120_000);
  } finally {
    await rig.close();
  }
  const { base, process: child } = await startDeliveryServer();
  const storageConfig = parseStorageConfig(benchEnv);
  const storage = createS3Storage(storageConfig);
  return {
    name: 'Darkroom',
    urlOf: (photo, round) => {
      const asset = assets.get(nameOf(photo, round))!;
      return `${base}/img/${asset.id}/${asset.revision ?? 1}/w_${WIDTH},q_${QUALITY},f_webp`;
    },
    headers: {},
    process: child,
    close: () => stop(child),
    // One GET of the original from the bucket, whole: what a render costs beyond sharp's work.
    async getOriginalMs(photo) {
      const started = performance.now();
      const stream = await storage.getStream({ bucket: storageConfig.bucket, key: originalKey(rig.tenantId, assets.get(nameOf(photo, 0))!.id) });
      for await (const _ of stream);
      return performance.now() - started;
    },
  };
}

interface FirstRequests {
  bare: number;
  get: number;
  /** Median ms of each server's first request per photo, by peer name. */
  servers: Map<string, number>;
}

/**
 * Each photo's first request to every server (a render everywhere: nothing is stored yet), with
 * sharp alone and one bucket GET of the same photo beside it: one photo at a time, every system in
 * turn, so the machine's drift over the minutes falls on all of them alike; ROUNDS times, each
 * round under other names, so that each is a first request again.
 */
async function firstRequests(photos: readonly BenchInput[], peers: readonly Peer[], getOriginalMs: (photo: string) => Promise<number>) {
  const bare: number[] = [];
  const gets: number[] = [];
  const servers = new Map<string, number[]>(peers.map((p) => [p.name, []]));
  // The last photo warms each system up (modules loaded, sharp's first call) and is not counted.
  const warmUp = photos.at(-1)!;
  await bareRender(await readFile(warmUp.path));
  await getOriginalMs(warmUp.path);
  for (const peer of peers) await timedGet(peer.urlOf(warmUp.path, 0), peer.headers);
  for (let round = 0; round < ROUNDS; round++) {
    for (const photo of photos.slice(0, -1)) {
      const bytes = await readFile(photo.path);
      settleBench();
      bare.push(await bareRender(bytes));
      settleBench();
      gets.push(await getOriginalMs(photo.path));
      for (const peer of peers) {
        settleBench();
        servers.get(peer.name)!.push(await timedGet(peer.urlOf(photo.path, round), peer.headers));
      }
    }
  }
  return { bare: median(bare), get: median(gets), servers: new Map([...servers].map(([name, ms]) => [name, median(ms)])) } satisfies FirstRequests;
}

/**
 * A srcset's other widths: each photo (the last round's assets) asked at SRCSET_WIDTHS one after
 * another, every system in turn; the first width is not timed (a first request, as above), the
 * others are, each a render everywhere (nothing stored them). Median ms a width.
 */
async function srcsetRequests(photos: readonly BenchInput[], peers: readonly Peer[]): Promise<Map<string, number>> {
  const servers = new Map<string, number[]>(peers.map((p) => [p.name, []]));
  // Darkroom's and ipx's `w_640,…`, Next.js's `&w=640&`.
  const widthUrl = (peer: Peer, photo: string, width: number) =>
    peer
      .urlOf(photo, ROUNDS - 1)
      .replace(`w_${WIDTH},`, `w_${width},`)
      .replace(`&w=${WIDTH}&`, `&w=${width}&`);
  for (const photo of photos.slice(0, -1)) {
    for (const peer of peers) {
      const [first, ...others] = SRCSET_WIDTHS;
      settleBench();
      await timedGet(widthUrl(peer, photo.path, first!), peer.headers);
      for (const width of others) servers.get(peer.name)!.push(await timedGet(widthUrl(peer, photo.path, width), peer.headers));
    }
  }
  return new Map([...servers].map(([name, ms]) => [name, median(ms)]));
}

function srcsetRows(srcset: Map<string, number>): BenchRow[] {
  const ours = srcset.get('Darkroom')!;
  return ['ipx', 'Next.js'].map((name) => {
    const theirs = srcset.get(name)!;
    return row(`delivery srcset's other widths p50 vs ${name} (render)`, ms(ours), ms(theirs), ours / theirs, '< 1.00×', ours < theirs);
  });
}

/**
 * The repeated request: one stored (Darkroom), cached (Next.js) or rendered-again (ipx) image under
 * wrk, each server in turn (`loadInTurn`).
 */
const repeatedRequests = (photo: string, peers: readonly Peer[]): Promise<Map<string, LoadResult>> =>
  loadInTurn(
    peers.map((peer) => ({ name: peer.name, url: peer.urlOf(photo, 0), serverPid: peer.process.pid!, headers: peer.headers })),
    SECONDS,
  );

interface Burst {
  ok: number;
  unavailable: number;
  /** Answers that were neither (another status, a 503 without Retry-After, none at all), counted by kind. */
  other: Map<string, number>;
  hwmMb: number;
}

/** 64 distinct transforms none of which is stored, all at once against the one delivery process. */
async function burst(darkroom: Peer, photos: readonly BenchInput[]): Promise<Burst> {
  const urls = photos
    .slice(0, PHOTOS)
    .flatMap((photo) => BURST_WIDTHS.map((width) => darkroom.urlOf(photo.path, 0).replace(`w_${WIDTH},q_${QUALITY},f_webp`, `w_${width},f_webp`)))
    .slice(0, BURST);
  const answers = await Promise.all(
    urls.map(async (url) => {
      try {
        const res = await fetch(url);
        await res.arrayBuffer();
        return { status: String(res.status), retryAfter: res.headers.get('retry-after') };
      } catch (error) {
        // No answer at all (the connection closed, the process died) is counted, not thrown.
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
        return { status: cause === 'UND_ERR_SOCKET' ? 'connection closed' : cause, retryAfter: null };
      }
    }),
  );
  const result: Burst = { ok: 0, unavailable: 0, other: new Map(), hwmMb: memoryOf(darkroom.process.pid!).hwmMb };
  for (const { status, retryAfter } of answers) {
    if (status === '200') result.ok++;
    else if (status === '503' && retryAfter) result.unavailable++;
    else {
      const kind = status === '503' ? '503 without Retry-After' : status;
      result.other.set(kind, (result.other.get(kind) ?? 0) + 1);
    }
  }
  return result;
}

const ms = (value: number) => `${Math.round(value)} ms`;

function firstRows(first: FirstRequests): BenchRow[] {
  const ours = first.servers.get('Darkroom')!;
  const limit = first.bare + first.get;
  const against = (name: string) => {
    const theirs = first.servers.get(name)!;
    return row(`delivery first request p50 vs ${name} (render)`, ms(ours), ms(theirs), ours / theirs, '< 1.00×', ours < theirs);
  };
  return [
    row(
      'delivery first request p50 vs bare sharp + one GET',
      ms(ours),
      `${ms(first.bare)} + ${ms(first.get)}`,
      ours / limit,
      '≤ 1.20×',
      ours <= limit * 1.2,
    ),
    against('ipx'),
    against('Next.js'),
  ];
}

function repeatedRows(loads: Map<string, LoadResult>): BenchRow[] {
  const [ours, ipx, next, bare] = [loads.get('Darkroom')!, loads.get('ipx')!, loads.get('Next.js')!, loads.get('bare Node')!];
  return [
    row('delivery repeated request vs ipx (renders each)', rps(ours), rps(ipx), ours.rps / ipx.rps, '≥ 3.00×', ours.rps >= ipx.rps * 3),
    row('delivery repeated request vs Next.js (cached)', rps(ours), rps(next), ours.rps / next.rps, '≥ 1.00×', ours.rps >= next.rps),
    row('delivery repeated request p99', `${ours.p99} ms`, `ipx ${ipx.p99} ms, Next.js ${next.p99} ms`, null, '< 20 ms', ours.p99 < 20),
    // No goal: the floor shows what of the p99 and the rate is the load generator's own on this machine.
    row(
      'delivery repeated request vs bare Node (same bytes)',
      `${rps(ours)}, p99 ${ours.p99} ms`,
      `${rps(bare)}, p99 ${bare.p99} ms`,
      ours.rps / bare.rps,
      '—',
      null,
    ),
  ];
}

const burstRows = (b: Burst): BenchRow[] => [
  row(`delivery burst of ${BURST} renders: peak RSS (VmHWM)`, mb(b.hwmMb), '—', null, '< 400 MB', b.hwmMb < 400),
  row(
    `delivery burst of ${BURST} renders: answers`,
    [`${b.ok} × 200`, `${b.unavailable} × 503`, ...[...b.other].map(([kind, n]) => `${n} × ${kind}`)].join(', '),
    '—',
    null,
    '200 or 503 + Retry-After',
    b.other.size === 0,
  ),
];

/**
 * The delivery server against the three references it is measured by (bare sharp, ipx, Next.js's
 * optimizer), all on the same dozen camera photos, the same transform, in one run.
 */
export async function runDeliveryBench(): Promise<BenchRow[]> {
  // One more than measured: the last one warms each system up.
  const photos = await cameraPhotos(PHOTOS + 1);
  console.log(
    `delivery bench: ${PHOTOS} camera JPEGs (8–24 MP) × ${ROUNDS} rounds, 640 px WebP q75; ${CONNECTIONS} connections, 2 × ${SECONDS} s per server`,
  );
  const darkroom = await step('upload through the API and a worker, start the delivery server', () => startDarkroom(photos));
  const peers: Peer[] = [darkroom];
  try {
    // BENCH_DELIVERY=burst runs the burst alone (no peers, nothing before it).
    if (process.env.BENCH_DELIVERY === 'burst') return burstRows(await step(`burst of ${BURST}`, () => burst(darkroom, photos)));
    peers.push(
      await step('start ipx', () =>
        startIpx(
          photos.map((p) => p.path),
          ROUNDS,
        ),
      ),
    );
    peers.push(
      await step('build and start the Next.js app', () =>
        startNext(
          photos.map((p) => p.path),
          ROUNDS,
        ),
      ),
    );
    const first = await step('first requests', () => firstRequests(photos, peers, darkroom.getOriginalMs));
    const srcset = await step("a srcset's other widths", () => srcsetRequests(photos, peers));
    // BENCH_DELIVERY=first stops after the first requests (a srcset's included).
    if (process.env.BENCH_DELIVERY === 'first') return [...firstRows(first), ...srcsetRows(srcset)];
    // The floor answers with the very bytes Darkroom stored for the repeated request's photo.
    const stored = Buffer.from(await (await fetch(darkroom.urlOf(photos[0]!.path, 0))).arrayBuffer());
    peers.push(await step('start a bare Node server of the same bytes', () => startBytesServer(stored)));
    const loads = await step('repeated requests', () => repeatedRequests(photos[0]!.path, peers));
    const b = await step(`burst of ${BURST}`, () => burst(darkroom, photos));
    return [...firstRows(first), ...srcsetRows(srcset), ...repeatedRows(loads), ...burstRows(b)];
  } finally {
    await Promise.all(peers.map((p) => p.close()));
  }
}
