import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isAssetEvent } from '@darkroom/client';
import { originalKey } from '@darkroom/core/keys';
import type { VariantSpec } from '@darkroom/core/presets';
import { migrateDatabase } from '@darkroom/db/migrate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrphanObjects } from '../../apps/worker/src/sweeps/orphans.js';
import { recover } from '../../apps/worker/src/recover/recover.js';
import { asSinglePut, TestApi } from '../support/client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { fixture } from '../support/images.js';
import { hasPgBackRest, startArchivedCluster, type ArchivedCluster, type TempCluster } from '../support/pg-cluster.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { addWebhook, WEBHOOK_TEST_ENV } from '../support/webhooks.js';

// The restore drill (docs/operations.md#recover): a deployment on a Postgres cluster of the test's
// own, backed up with pgBackRest to the real S3 server, loses the cluster after 40 more uploads and
// a preset change; the backup is restored, and `recover` brings back what it missed from the bucket.
const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const title = hasPgBackRest ? 'the restore drill' : 'the restore drill: skipped, pgbackrest is not installed (scripts/test-tools.sh installs it)';

describe.skipIf(!hasPgBackRest)(title, () => {
  let archived: ArchivedCluster | undefined;
  let cluster: TempCluster;
  let receiver: Receiver;
  let harness: Harness | undefined;
  let backupEnv: Record<string, string>;
  let databaseUrl: string;
  const bucket = `darkroom-test-drill-${process.pid}`;

  async function dbCli(name: 'backup' | 'restore', args: string[]): Promise<string> {
    const script = join(root, `packages/db/dist/backup/${name}-cli.js`);
    const env = { ...process.env, ...backupEnv };
    return (await run(process.execPath, [script, ...args], { cwd: root, env, maxBuffer: 32 * 1024 * 1024 })).stdout;
  }

  const startDeployment = () => startHarness({ env: { ...WEBHOOK_TEST_ENV, DATABASE_URL: databaseUrl, RECONCILE_INTERVAL: '1s' } });

  beforeAll(async () => {
    archived = await startArchivedCluster({ bucket, prefix: '/pg/drill', cipherPass: 'test-drill-cipher-0123456789abcdef' });
    ({ cluster, env: backupEnv } = archived);
    databaseUrl = `postgres://postgres@127.0.0.1:${cluster.port}/darkroom_drill`;
    await migrateDatabase(databaseUrl);
    receiver = await startReceiver();
  }, 180_000);

  afterAll(async () => {
    await harness?.close();
    await receiver?.stop();
    await archived?.destroy();
  }, 120_000);

  async function uploadMany(client: TestApi, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let at = 0; at < count; at += 4) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(4, count - at) }, async (_, i) => {
          const started = await client.request('POST', '/v1/uploads', {
            ...{ filename: `drill-${at + i}.jpg`, contentType: 'image/jpeg', metadata: { drill: at + i } },
            size: jpeg.byteLength,
          });
          const { url, headers } = asSinglePut(started.body.upload);
          await fetch(url, { method: 'PUT', headers, body: jpeg as Uint8Array<ArrayBuffer> });
          expect((await client.request('POST', `/v1/uploads/${started.body.asset.id}/complete`, {})).status).toBe(202);
          return started.body.asset.id as string;
        }),
      );
      ids.push(...batch);
    }
    for (const id of ids) expect((await client.waitForAsset(id)).status).toBe('ready');
    return ids;
  }

  let jpeg: Uint8Array;
  const view = async (client: TestApi, id: string) => (await client.request('GET', `/v1/assets/${id}`)).body;
  const kept = ({ updatedAt: _u, readyAt: _r, ...rest }: Record<string, unknown>) => rest;

  it('upload 40, back up, upload 40 more and change a preset, lose the cluster, restore, recover: 80 ready as they were', async () => {
    jpeg = new Uint8Array(await (await import('node:fs/promises')).readFile(fixture('320x240.jpg')));
    harness = await startDeployment();
    const admin = new TestApi(harness.baseUrl, harness.adminToken);
    const { tenantId, apiKey } = await admin.createTenant('drill');
    let client = admin.withToken(apiKey);
    await addWebhook(client, receiver.url);
    const first = await uploadMany(client, 40);

    expect(await dbCli('backup', ['--type=full'])).toMatch(/full backup: \d{8}-\d{6}F/);
    // The restore's target: just after the backup, before anything that follows.
    const sql = cluster.sql();
    const [target] = await sql<{ at: string }[]>`select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' as at`;
    await sql`select pg_sleep(0.05)`;
    await sql.end();

    const spec: VariantSpec = { name: 'card', fit: 'cover', width: 96, height: 96, format: 'webp', quality: 70 };
    expect((await client.request('PUT', '/v1/presets/cards', { variants: [spec] })).status).toBe(200);
    const second = await uploadMany(client, 40);
    const ids = [...first, ...second];
    const before = new Map(await Promise.all(ids.map(async (id) => [id, kept(await view(client, id))] as const)));
    const events = await client.feed();
    const cursor = events.at(-1)!.id as string;
    await harness.close();
    harness = undefined;

    await cluster.stop();
    cluster.wipe();
    await dbCli('restore', [`--time=${target!.at}`]);
    await cluster.start();
    await cluster.untilPromoted();

    harness = await startDeployment();
    client = new TestApi(harness.baseUrl, apiKey);
    const known = await Promise.all(ids.map(async (id) => (await client.request('GET', `/v1/assets/${id}`)).status));
    expect(known.filter((s) => s === 200)).toHaveLength(40);
    expect((await client.request('GET', '/v1/presets')).body.items.some((p: { name: string }) => p.name === 'cards')).toBe(false);
    // The database is behind the bucket: no sweep takes the 40 it lost for garbage.
    const orphans = [];
    for await (const o of findOrphanObjects(harness.workerDeps, { tenantId, minAgeMs: 0 })) orphans.push(o.key);
    expect(orphans).toEqual([]);

    const report = await recover(harness.workerDeps, { dryRun: false, tenantId, minAgeMs: 0, concurrency: 16, queue: harness.api.queue });
    expect(report).toMatchObject({ tenants: { updated: 1 }, relinked: 40, partial: 0, queued: 0, undescribed: 0, known: 40 });
    for (const id of ids) expect(kept(await view(client, id))).toEqual(before.get(id));
    expect((await client.request('GET', '/v1/presets')).body.items.find((p: { name: string }) => p.name === 'cards')!.variants).toEqual([spec]);

    // Every original is still there, after the reconciler's passes on both sides of the restore.
    for (const id of ids) {
      const head = await harness.api.storage.headObject({ bucket: harness.api.config.storage.bucket, key: originalKey(tenantId, id) });
      expect(head.size).toBe(jpeg.byteLength);
    }

    // The feed and the webhooks carry on: a new upload's events come after the cursor a consumer held before the loss.
    const [fresh] = await uploadMany(client, 1);
    const res = await client.request('GET', `/v1/events?after=${cursor}&limit=100`);
    expect(res.body.items.filter(isAssetEvent).map((e) => `${e.type} ${e.data.asset.id}`)).toContain(`asset.ready ${fresh}`);
    await receiver.until('the webhook of the new upload', (receipts) =>
      receipts.some((r) => r.body.includes(fresh!) && r.body.includes('asset.ready')),
    );
  }, 900_000);
});
