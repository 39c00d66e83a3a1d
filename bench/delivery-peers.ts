import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { benchEnv, freePort, ROOT, spawnNode, spawnProgram, stop, waitForHttp } from './support.js';

/** The transform every system makes in the delivery bench: 640 px wide WebP at quality 75. */
export const WIDTH = 640;
export const QUALITY = 75;

/** One system under the delivery bench: how to ask it for a photo's transform, and its process. */
export interface Peer {
  name: string;
  /**
   * The URL of `photo`'s transform in `round` (each round the same photos under other names, or other
   * assets for Darkroom, so that every round's first request is a render).
   */
  urlOf(photo: string, round: number): string;
  /** Headers each request carries (Next.js picks WebP from `Accept`). */
  headers: Record<string, string>;
  process: ChildProcess;
  close(): Promise<void>;
}

/**
 * One delivery process on the bench database, buckets and Redis, answering at `base`: started as its
 * deployment starts it, through its start script when it has one (an allocator preload), with
 * `settings` over the bench's.
 */
export async function startDeliveryServer(settings: Record<string, string> = {}): Promise<{ base: string; process: ChildProcess }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...benchEnv,
    HOST: '127.0.0.1',
    DELIVERY_PORT: String(port),
    DELIVERY_BASE_URL: base,
    LOG_LEVEL: 'warn',
    // Its budget is not what is measured: the bench's renders must never meet the tenant's 429.
    DELIVERY_RENDERS_PER_MINUTE: '1000000',
    ...settings,
  };
  const child = existsSync(`${ROOT}apps/delivery/bin/start.sh`)
    ? spawnProgram('apps/delivery/bin/start.sh', env)
    : spawnNode(['apps/delivery/dist/main.js'], env);
  await waitForHttp(`${base}/healthz`);
  return { base, process: child };
}

/** Bare sharp from memory, in this process: the limit every server's render is measured against. */
export async function bareRender(bytes: Buffer): Promise<number> {
  const started = performance.now();
  await sharp(bytes, { failOn: 'error' }).rotate().resize({ width: WIDTH, withoutEnlargement: true }).webp({ quality: QUALITY }).toBuffer();
  return performance.now() - started;
}

/** The name a photo has in a round's copy: `r{round}-{file}`. */
export const roundName = (photo: string, round: number) => `r${round}-${basename(photo)}`;

/** A copy of every photo for every round in `dir`, under its round's name. */
async function copyRounds(photos: readonly string[], rounds: number, dir: string): Promise<void> {
  for (let round = 0; round < rounds; round++) for (const photo of photos) await copyFile(photo, join(dir, roundName(photo, round)));
}

/** ipx's Node listener with its filesystem storage (bench/ipx-server.ts) over a folder of the photos' copies for every round. */
export async function startIpx(photos: readonly string[], rounds: number): Promise<Peer> {
  const dir = await mkdtemp(join(tmpdir(), 'darkroom-bench-ipx-'));
  await copyRounds(photos, rounds, dir);
  const port = await freePort();
  const child = spawnNode(['--import', 'tsx', 'bench/ipx-server.ts'], { IPX_DIR: dir, PORT: String(port) });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(base);
  return {
    name: 'ipx',
    urlOf: (photo, round) => `${base}/w_${WIDTH},q_${QUALITY},f_webp/${roundName(photo, round)}`,
    headers: {},
    process: child,
    async close() {
      await stop(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A bare Node HTTP server answering every request with `bytes` from memory (bench/bytes-server.ts):
 * the repeated request's floor, what the load generator itself reaches on this machine.
 */
export async function startBytesServer(bytes: Buffer): Promise<Peer> {
  const dir = await mkdtemp(join(tmpdir(), 'darkroom-bench-bytes-'));
  const file = join(dir, 'render.webp');
  await writeFile(file, bytes);
  const port = await freePort();
  const child = spawnNode(['--import', 'tsx', 'bench/bytes-server.ts'], { BYTES_FILE: file, PORT: String(port) });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(base);
  return {
    name: 'bare Node',
    urlOf: () => `${base}/`,
    headers: {},
    process: child,
    async close() {
      await stop(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const NEXT_APP = join(ROOT, 'bench/next-app');
const NEXT_BIN = join(ROOT, 'node_modules/next/dist/bin/next');
const nextEnv = { NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };

/** `next build` of bench/next-app, its output shown only when it fails. */
async function buildNextApp(): Promise<void> {
  const child = spawn(process.execPath, [NEXT_BIN, 'build', NEXT_APP], {
    cwd: ROOT,
    env: { ...process.env, ...nextEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`next build failed:\n${out}`);
}

/**
 * bench/next-app built and started (`next start`), the photos in its public/ folder so its optimizer
 * fetches them from itself, and its image cache (`.next/cache/images`) a fresh temp folder: every
 * photo's first request renders, every later one is Next.js's cached path.
 */
export async function startNext(photos: readonly string[], rounds: number): Promise<Peer> {
  const publicDir = join(NEXT_APP, 'public/photos');
  await rm(publicDir, { recursive: true, force: true });
  await mkdir(publicDir, { recursive: true });
  await copyRounds(photos, rounds, publicDir);
  await buildNextApp();
  const cacheDir = await mkdtemp(join(tmpdir(), 'darkroom-bench-next-images-'));
  const imagesDir = join(NEXT_APP, '.next/cache/images');
  await rm(imagesDir, { recursive: true, force: true });
  await mkdir(join(NEXT_APP, '.next/cache'), { recursive: true });
  await symlink(cacheDir, imagesDir);
  const port = await freePort();
  const child = spawnNode([NEXT_BIN, 'start', NEXT_APP, '-H', '127.0.0.1', '-p', String(port)], nextEnv);
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(base);
  return {
    name: 'Next.js',
    urlOf: (photo, round) => `${base}/_next/image?url=${encodeURIComponent(`/photos/${roundName(photo, round)}`)}&w=${WIDTH}&q=${QUALITY}`,
    headers: { accept: 'image/webp,*/*' },
    process: child,
    async close() {
      await stop(child);
      await rm(imagesDir, { force: true });
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
}
