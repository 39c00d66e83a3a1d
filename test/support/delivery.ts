import type { FaceBox } from '@darkroom/core/contract/asset';
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { delimiter, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSecretBox } from '@darkroom/core/webhooks';
import { type Crop, DELIVERY_KEY_OVERLAP_MS, deliveryKeyAad, type DeliveryPolicyPatch, type Focus, signDeliveryPath } from '@darkroom/core/delivery';
import { assets, tenants } from '@darkroom/db/schema';
import { eq, sql } from 'drizzle-orm';
import sharp, { type Metadata } from 'sharp';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { buildDeliveryApp } from '../../apps/delivery/src/http/app.js';
import { loadDeliveryConfig } from '../../apps/delivery/src/config.js';
import { createDeliveryDeps, type DeliveryDeps } from '../../apps/delivery/src/deps.js';
import type { Harness } from './harness.js';
import { freePort, waitFor } from './services.js';
import { type FileHarness, type HarnessOptionsOf, notStarted, setupHarness } from './setup-harness.js';

export interface DeliveryServer {
  baseUrl: string;
  deps: DeliveryDeps;
  close(): Promise<void>;
}

/** A delivery server in this process, of the harness's deployment (same Postgres, Redis prefix and buckets). */
export async function startDelivery(harness: Harness, env: Record<string, string> = {}): Promise<DeliveryServer> {
  const config = loadDeliveryConfig({ ...process.env, QUEUE_PREFIX: harness.prefix, ...env });
  const deps = createDeliveryDeps(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  const app = await buildDeliveryApp({ deps });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    deps,
    async close() {
      await app.close();
      await deps.close();
    },
  };
}

export interface SpawnedDelivery {
  baseUrl: string;
  process: ChildProcess;
  close(): Promise<void>;
  /** What the process wrote to stdout and stderr so far, when spawned with `{ output: true }` (else empty). */
  output(): string;
}

const START = fileURLToPath(new URL('../../apps/delivery/bin/start.sh', import.meta.url));

/**
 * The file's harness (`setupHarness`) whose API hands out the URLs of a delivery server spawned beside
 * it (`spawnDelivery`); `options` are the harness's (its `env` the API's and worker's, e.g. a
 * PRESETS_FILE). The server starts after the harness and stops after it.
 */
export function setupHarnessWithDelivery(options: HarnessOptionsOf = {}): { harness: FileHarness; delivery: SpawnedDelivery } {
  let spawned: SpawnedDelivery | undefined;
  let port: number;
  const env = () => ({ DELIVERY_BASE_URL: `http://127.0.0.1:${port}` });
  // Declared before the harness's hooks: `afterAll`s run in reverse.
  afterAll(() => spawned?.close());
  const harness = setupHarness(async () => {
    const resolved = typeof options === 'function' ? await options() : options;
    port = await freePort();
    return { ...resolved, env: { ...resolved.env, ...env() } };
  });
  // Past spawnDelivery's own 60 s wait for the process to answer.
  beforeAll(async () => {
    spawned = await spawnDelivery(harness, port, env());
  }, 120_000);
  const current = () => spawned ?? notStarted('delivery process');
  const delivery: SpawnedDelivery = {
    get baseUrl() {
      return current().baseUrl;
    },
    get process() {
      return current().process;
    },
    close: () => current().close(),
    output: () => current().output(),
  };
  return { harness, delivery };
}

/**
 * A delivery server as its own process, from the build (`npm run build` first), on `port`, started
 * as a deployment starts it (bin/start.sh: its allocator and V8 settings, --expose-gc), with this
 * process's Node; its pid is Node's, which the script's `exec`s keep. `output`: its stdout and stderr
 * kept for `output()` (its log lines; `LOG_LEVEL` in `env` for more than warnings), else stderr is
 * this process's.
 */
export async function spawnDelivery(
  harness: Harness,
  port: number,
  env: Record<string, string> = {},
  { output: captured = false }: { output?: boolean } = {},
): Promise<SpawnedDelivery> {
  const path = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`;
  const child = spawn('sh', [START], {
    env: { ...process.env, PATH: path, QUEUE_PREFIX: harness.prefix, HOST: '127.0.0.1', DELIVERY_PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', captured ? 'pipe' : 'ignore', captured ? 'pipe' : 'inherit'],
  });
  let written = '';
  for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => (written += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  try {
    // A busy machine (a whole test lane in parallel) can take many seconds to start a process.
    await waitFor(
      'the delivery process to answer',
      async () => {
        if (child.exitCode !== null) throw new Error(`the delivery process exited with ${child.exitCode}`);
        return (await fetch(`${baseUrl}/healthz`).catch(() => null))?.status === 200;
      },
      60_000,
      100,
    );
  } catch (error) {
    await close();
    throw error;
  }
  return { baseUrl, process: child, close, output: () => written };
}

export interface Delivered {
  status: number;
  headers: Headers;
  data: Buffer;
  body: any;
  meta: Metadata | null;
}

/** A GET (or HEAD) as a browser sends it: `accept` as given (none by default). */
export async function getImage(url: string, init: { accept?: string; method?: string; headers?: Record<string, string> } = {}): Promise<Delivered> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.accept !== undefined) headers.accept = init.accept;
  const res = await fetch(url, { method: init.method ?? 'GET', headers, redirect: 'manual' });
  const data = Buffer.from(await res.arrayBuffer());
  const json = res.headers.get('content-type')?.includes('json');
  const image = res.status === 200 && !json && data.length > 0;
  return {
    status: res.status,
    headers: res.headers,
    data,
    body: json ? JSON.parse(data.toString()) : null,
    meta: image ? await sharp(data, { animated: true }).metadata() : null,
  };
}

/** A delivery key (`dsk_…`) as the API makes them. */
export function newDeliveryKey(): string {
  return `dsk_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')}`;
}

/**
 * Writes a tenant's delivery keys and policy straight into Postgres, sealed as the API seals them
 * (the `POST /v1/delivery-key` route is another change's).
 */
export async function setDeliverySettings(
  harness: Harness,
  tenantId: string,
  settings: { key?: string | null; previousKey?: string | null; previousExpiresAt?: Date | null; policy?: DeliveryPolicyPatch },
): Promise<void> {
  const box = createSecretBox(harness.api.config.webhooks.secretKey);
  const seal = (key: string | null | undefined) => (key ? box.seal(key, deliveryKeyAad(tenantId)) : null);
  await harness.api.db
    .update(tenants)
    .set({
      ...(settings.key !== undefined ? { deliveryKeySealed: seal(settings.key) } : {}),
      ...(settings.previousKey !== undefined ? { previousDeliveryKeySealed: seal(settings.previousKey) } : {}),
      ...(settings.previousExpiresAt !== undefined ? { previousDeliveryKeyExpiresAt: settings.previousExpiresAt } : {}),
      ...(settings.policy !== undefined ? { delivery: settings.policy } : {}),
    })
    .where(eq(tenants.id, tenantId));
}

/**
 * Sets an asset's focus, crop or faces straight in Postgres, and its revision + 1, as `PATCH
 * /v1/assets/:id` does. Returns the new revision.
 */
export async function setAssetShape(
  harness: Harness,
  assetId: string,
  shape: { focus?: Focus | null; crop?: Crop | null; faces?: FaceBox[] | null },
): Promise<number> {
  const [row] = await harness.api.db
    .update(assets)
    .set({ ...shape, revision: sql`${assets.revision} + 1` })
    .where(eq(assets.id, assetId))
    .returning({ revision: assets.revision });
  return row!.revision;
}

/** `/img/{id}/{revision}/{options}`, signed with `key` when given. */
export function imagePath(assetId: string, revision: number | string, options: string, key?: string): string {
  const path = `${assetId}/${revision}/${options}`;
  return `/img/${path}${key ? `/${signDeliveryPath(key, path)}` : ''}`;
}

export { DELIVERY_KEY_OVERLAP_MS };
