import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Asset } from '@darkroom/client';
import type { Meter } from '@darkroom/core/contract/usage';
import { createDatabase, type DatabaseHandle } from '@darkroom/db/client';
import { rollupUsage } from '@darkroom/db/queries/usage';
import { createS3Storage, parseStorageConfig } from '@darkroom/storage';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApi } from '../support/client.js';
import { startCountingProxy, type ClassCounts, type CountingProxy, type ProxyTally } from '../support/counting-proxy.js';
import { startHarness, type Harness } from '../support/harness.js';
import { restartRedis, spawnWorker, waitFor, type WorkerProcess } from '../support/services.js';
import {
  addValues,
  CLASSES,
  comparisonLine,
  eventCount,
  imageRenders,
  listedBilledBytes,
  meteredClasses,
  meteredEvents,
  meteredHourly,
  type MeterValues,
  ratioOf,
  renditionSeconds,
} from '../support/usage-count.js';
import { photoFiles, uploadAll, type Uploaded, videoFiles } from '../support/usage-uploads.js';
import { testEnv } from '../test-env.js';

const run = promisify(execFile);
const TENANTS = 3;
const PHOTOS = 100;

let proxy: CountingProxy;
let harness: Harness | undefined;
let handle: DatabaseHandle;
const workers: WorkerProcess[] = [];

/**
 * One spool directory for every process of the test (and no other test's), as processes of one
 * host share theirs: a worker started after the kill replays what the killed one spooled.
 */
const spoolDir = mkdtempSync(join(tmpdir(), 'darkroom-usage-exact-spool-'));
/** Every Darkroom process of the test meters through the proxy, flushing its counters each second. */
const metered = (proxyEndpoint: string) => ({
  S3_ENDPOINT: proxyEndpoint,
  USAGE_METERING: 'on',
  USAGE_FLUSH_SECONDS: '1',
  USAGE_SPOOL_DIR: spoolDir,
});
/** The spool files in the directory, of one process (by pid) or all; and the counts they hold. */
function spooled(pid?: number): { files: number; counts: number } {
  const files = readdirSync(spoolDir).filter((name) => name.endsWith('.spool') && (pid === undefined || name.includes(`_${pid}_`)));
  const counts = files.reduce((sum, name) => sum + readFileSync(join(spoolDir, name), 'utf8').split('\n').length - 1, 0);
  return { files: files.length, counts };
}

beforeAll(async () => {
  proxy = await startCountingProxy(testEnv.S3_ENDPOINT!);
  handle = createDatabase({ url: testEnv.DATABASE_URL!, maxConnections: 4 });
  harness = await startHarness({ withWorker: false, env: metered(proxy.endpoint) });
});
afterAll(async () => {
  for (const w of workers) w.child.kill('SIGKILL');
  await harness?.close();
  await handle?.close();
  await proxy?.close();
  rmSync(spoolDir, { recursive: true, force: true });
});

const worker = () => {
  const env = { ...metered(proxy.endpoint), QUEUE_PREFIX: harness!.prefix, STALLED_TIMEOUT: '2s', RECONCILE_INTERVAL: '1s' };
  const spawned = spawnWorker(env);
  workers.push(spawned);
  return spawned;
};

/** How many of the tenants' assets are in each status. */
async function statuses(tenantIds: string[]): Promise<Record<string, number>> {
  const found = await handle.db.execute<{ status: string; n: number }>(
    sql`select status, count(*)::int as n from assets where tenant_id in ${tenantIds} group by status`,
  );
  return Object.fromEntries([...found].map((r) => [r.status, r.n]));
}

/** `npm run orphans -- --delete --min-age 0` as an operator runs it, one tenant at a time (the test buckets are shared). */
async function deleteOrphans(tenantId: string): Promise<string> {
  const args = ['apps/worker/dist/sweeps/orphans-cli.js', '--delete', '--min-age', '0', '--tenant', tenantId];
  const { stdout } = await run(process.execPath, args, { env: { ...process.env, ...metered(proxy.endpoint) } });
  return stdout.trim().split('\n').at(-1)!;
}

interface TenantRun {
  tenantId: string;
  api: TestApi;
  uploaded: Uploaded;
}

/** The independent count of a tenant: what it uploaded, its ready assets' renditions probed, its billed objects listed. */
async function independentCount(tenant: TenantRun): Promise<MeterValues> {
  const counted: MeterValues = { uploads: 0, upload_bytes: 0, image_renders: 0, video_seconds_sd: 0, video_seconds_hd: 0, video_seconds_uhd: 0 };
  for (const [assetId, bytes] of tenant.uploaded.started) {
    const { body } = await tenant.api.request('GET', `/v1/assets/${assetId}`);
    if (body.status === 'awaiting_upload' || body.status === 'expired' || body.status === 'canceled') continue;
    expect(body.status, `asset ${assetId}`).toBe('ready');
    const asset = body as Asset;
    addValues(counted, { uploads: 1, upload_bytes: bytes, image_renders: imageRenders(asset), ...(await renditionSeconds(asset)) });
  }
  const storage = createS3Storage(parseStorageConfig(testEnv));
  counted.stored_bytes = await listedBilledBytes(storage, parseStorageConfig(testEnv), tenant.tenantId);
  return counted;
}

const EXACT: Meter[] = ['uploads', 'upload_bytes', 'image_renders', 'video_seconds_sd', 'video_seconds_hd', 'video_seconds_uhd', 'stored_bytes'];

/**
 * What the meters may miss of the requests the proxy saw: at most 1 %. The killed worker's counts
 * since its last flush are in its spool, which the next worker replays (docs/operations.md#usage);
 * without it they were gone, 1 to 1.6 % of a tenant's class A in a run here. Nothing may be counted
 * that the proxy did not see.
 */
const CLASS_SHORTFALL = 0.01;

/** Prints and checks one who's bucket classes against what the proxy saw Darkroom's client sign. */
function compareClasses(lines: string[], who: string, metered: ClassCounts, counted: ClassCounts): string[] {
  const off: string[] = [];
  for (const c of CLASSES) {
    lines.push(comparisonLine(who, `bucket_class_${c}`, metered[c], counted[c]));
    const ratio = ratioOf(metered[c], counted[c]);
    if (ratio > 1 || ratio < 1 - CLASS_SHORTFALL) off.push(`${who} class ${c}: ${metered[c]} metered, ${counted[c]} counted`);
  }
  return off;
}

function presignedLines(lines: string[], tally: ProxyTally, metered: MeterValues): void {
  const puts = tally.bySigner.presigned_put.a;
  const reads = tally.bySigner.presigned_read.b + tally.bySigner.presigned_read.c;
  lines.push(comparisonLine('presigned (URLs handed out vs requests)', 'clients’ PUTs, parts', metered.presigned_urls_a ?? 0, puts));
  lines.push(comparisonLine('presigned (URLs handed out vs requests)', 'ffmpeg’s reads', metered.presigned_urls_b ?? 0, reads));
  lines.push(`anonymous requests through the proxy (public URLs, not metered): ${JSON.stringify(tally.bySigner.anonymous)}`);
}

describe('usage meters under retries, a killed worker and a Redis restart', () => {
  it('match an independent count exactly, and the bucket classes a counting proxy saw within 1 %, a killed worker’s spool replayed', {
    timeout: 900_000,
  }, async () => {
    const deploymentBefore = await meteredEvents(handle.db, null);
    const admin = new TestApi(harness!.baseUrl, harness!.adminToken);
    const created = await Promise.all(Array.from({ length: TENANTS }, (_, i) => admin.createTenant(`usage-exact-${i}`)));
    const tenantIds = created.map((t) => t.tenantId);
    const files = [...(await photoFiles(PHOTOS)), ...(await videoFiles())];
    const [first] = [worker(), worker()];

    const uploads = Promise.all(created.map((t) => uploadAll(harness!.baseUrl, t.apiKey, files)));
    const ready = async (n: number) => ((await statuses(tenantIds)).ready ?? 0) >= n;
    await waitFor('a fifth of the assets to be ready', () => ready((TENANTS * files.length) / 5), 300_000, 100);
    first!.child.kill('SIGKILL');
    expect(await first!.exited).toBe('SIGKILL');
    console.log('a worker SIGKILLed at', await statuses(tenantIds), 'leaving in its spool', spooled(first!.child.pid));
    await waitFor('half of the assets to be ready', () => ready((TENANTS * files.length) / 2), 300_000, 100);
    await restartRedis(testEnv.REDIS_URL!);
    console.log('Redis restarted at', await statuses(tenantIds));
    worker();
    const uploaded = await uploads;
    const settled = async () => {
      const now = await statuses(tenantIds);
      if ((now.failed ?? 0) > 0) throw new Error(`assets failed: ${JSON.stringify(now)}`);
      return (now.queued ?? 0) + (now.processing ?? 0) === 0 && now;
    };
    console.log('assets once settled:', await waitFor('every confirmed asset to be ready', settled, 600_000, 250));
    console.log(
      `answers dropped: ${uploaded.map((u) => u.droppedAnswers()).join(', ')}; uploads started over: ${uploaded.map((u) => u.restarts).join(', ')}`,
    );

    // Every process ends before anything is compared: the workers flush on SIGTERM, the API on close.
    for (const w of workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null)) {
      w.child.kill('SIGTERM');
      expect(await w.exited, w.output()).toBe(0);
    }
    for (const tenantId of tenantIds) console.log(`orphans ${tenantId}: ${await deleteOrphans(tenantId)}`);
    const tenants: TenantRun[] = created.map((t, i) => ({ tenantId: t.tenantId, api: admin.withToken(t.apiKey), uploaded: uploaded[i]! }));
    const counts: MeterValues[] = [];
    for (const tenant of tenants) counts.push(await independentCount(tenant));
    await harness!.close();
    harness = undefined;
    const tally = proxy.tally();
    // The killed worker's spool was replayed (by the worker started after it, at its boot), the rest flushed on the way out.
    expect(spooled()).toEqual({ files: 0, counts: 0 });

    const lines: string[] = [];
    const off: string[] = [];
    const deploymentAfter = await meteredEvents(handle.db, null);
    const deploymentDelta = meteredClasses(
      addValues({ ...deploymentAfter }, Object.fromEntries(Object.entries(deploymentBefore).map(([m, v]) => [m, -v]))),
    );
    await rollupUsage(handle.db);
    const allMetered: MeterValues = {};
    for (const [i, tenant] of tenants.entries()) {
      const counted = counts[i]!;
      const hourly = await meteredHourly(handle.db, tenant.tenantId);
      addValues(allMetered, hourly);
      for (const meter of EXACT) {
        lines.push(comparisonLine(tenant.tenantId, meter, hourly[meter] ?? 0, counted[meter] ?? 0));
        if ((hourly[meter] ?? 0) !== counted[meter])
          off.push(`${tenant.tenantId} ${meter}: ${hourly[meter] ?? 0} metered, ${counted[meter]} counted`);
      }
      // Each confirmation once: one `uploads` event per confirmed asset, whatever was retried.
      if ((await eventCount(handle.db, tenant.tenantId, 'uploads')) !== counted.uploads)
        off.push(`${tenant.tenantId}: uploads events ≠ confirmed assets`);
      // The rollup moved each event once: the hourly sums are the events' sums.
      const events = await meteredEvents(handle.db, tenant.tenantId);
      for (const [meter, value] of Object.entries(events))
        if (hourly[meter as Meter] !== value) off.push(`${tenant.tenantId} ${meter}: hourly ≠ events`);
      off.push(
        ...compareClasses(lines, tenant.tenantId, meteredClasses(hourly), tally.darkroomByTenant.get(tenant.tenantId) ?? { a: 0, b: 0, c: 0 }),
      );
    }
    off.push(...compareClasses(lines, 'the deployment (tenant null)', deploymentDelta, tally.darkroomByTenant.get(null) ?? { a: 0, b: 0, c: 0 }));
    presignedLines(lines, tally, allMetered);
    lines.push(`Darkroom's requests by operation: ${JSON.stringify(Object.fromEntries(tally.darkroomOperations))}`);
    console.log(lines.join('\n'));
    expect(off).toEqual([]);
  });
});
