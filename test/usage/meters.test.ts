import { readFile, stat } from 'node:fs/promises';
import { getJob } from '@darkroom/db/queries/jobs';
import { assets } from '@darkroom/db/schema';
import { webhookAttempts } from '@darkroom/db/webhook-schema';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recover } from '../../apps/worker/src/recover/recover.js';
import { audioFile } from '../../packages/media/src/audio/test-audio.js';
import { fixture } from '../support/images.js';
import { serve, startFileServer, waitForImport, type FileServer } from '../support/imports.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { waitFor } from '../support/services.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { bySource, countedVideoSeconds, eventsOf as eventsIn, expectedVideoSeconds, probedSeconds, type MeterEvent } from '../support/usage.js';
import { clip, uploadVideo } from '../support/video.js';
import { addWebhook, WEBHOOK_TEST_ENV } from '../support/webhooks.js';

/**
 * The meters written where work commits, end to end through the real API, worker and bucket: what
 * `usage_events` holds after an upload, a render, an import and a webhook equals what happened,
 * each event once (read directly: the rollup is another part's).
 */
const harness = setupHarness({ env: { ...WEBHOOK_TEST_ENV, IMPORT_ALLOW_PRIVATE: 'true', JOB_RETRY_SCHEDULE: '200ms' } });
const tenant = setupTenant(harness, 'usage-meters');

const eventsOf = (tenantId: string, prefix: string) => eventsIn(harness.api.db, tenantId, prefix);

function uploadEvents(assetId: string, bytes: number): MeterEvent[] {
  const source = `upload:${assetId}`;
  return [
    { meter: 'upload_bytes', amount: bytes, source },
    { meter: 'uploads', amount: 1, source },
  ];
}

const renderEvents = (jobId: string, names: string[]): MeterEvent[] =>
  names.map((name) => ({ meter: 'image_renders', amount: 1, source: `render:${jobId}:${name}` })).sort(bySource);

describe('usage meters where work commits', () => {
  it('an image: one upload with its bytes, then one render per variant', async () => {
    const path = fixture('jolla.jpg');
    const { asset, job } = await tenant.client.uploadFile(path, 'image/jpeg');
    const ready = await tenant.client.waitForAsset(asset.id);
    expect(ready.status).toBe('ready');
    expect(await eventsOf(tenant.tenantId, `upload:${asset.id}`)).toEqual(uploadEvents(asset.id, (await stat(path)).size));
    expect(await eventsOf(tenant.tenantId, `render:${job.id}:`)).toEqual(
      renderEvents(
        job.id,
        ready.variants.map((v) => v.name),
      ),
    );
    // complete again: the same confirm, nothing counted twice.
    await tenant.client.raw('POST', `/v1/uploads/${asset.id}/complete`, {});
    expect(await eventsOf(tenant.tenantId, `upload:${asset.id}`)).toHaveLength(2);
  });

  it("a video: each rendition's and each rung's seconds as ffprobe reads them, by height; the poster and storyboard as renders", async () => {
    const path = await clip('ladder.mp4');
    const { asset, job } = await uploadVideo(tenant.client, path);
    const ready = await tenant.client.waitForAsset(asset.id, 120_000);
    expect(ready.status).toBe('ready');
    expect(await eventsOf(tenant.tenantId, `upload:${asset.id}`)).toEqual(uploadEvents(asset.id, (await stat(path)).size));
    const expected = await expectedVideoSeconds(ready, job.id);
    expect(expected.rungs.length).toBeGreaterThan(1);
    expect(expected.renditions).toHaveLength(1);
    expect(await countedVideoSeconds(harness.api.db, tenant.tenantId, job.id)).toEqual(expected);
    const images = ready.variants.filter((v) => v.kind === 'image' || v.format === 'storyboard').map((v) => v.name);
    expect(images).toContain('storyboard');
    expect(await eventsOf(tenant.tenantId, `render:${job.id}:`)).toEqual(renderEvents(job.id, images));
    expect(await eventsOf(tenant.tenantId, `audio:${job.id}:`)).toEqual([]);
  });

  it("audio: each audio rendition's seconds as ffprobe reads them; a waveform counts nothing", async () => {
    const path = await audioFile('tone.mp3');
    const { asset, job } = await tenant.client.uploadFile(path, 'audio/mpeg');
    const ready = await tenant.client.waitForAsset(asset.id, 120_000);
    expect(ready.status).toBe('ready');
    const renditions = ready.variants.filter((v) => v.kind === 'audio' && v.format !== 'waveform');
    expect(renditions.length).toBeGreaterThan(0);
    expect(ready.variants.some((v) => v.format === 'waveform')).toBe(true);
    const expected: MeterEvent[] = [];
    for (const v of renditions) expected.push({ meter: 'audio_seconds', amount: await probedSeconds(v.url), source: `audio:${job.id}:${v.name}` });
    expect(await eventsOf(tenant.tenantId, `audio:${job.id}:`)).toEqual(expected.sort(bySource));
    expect(await eventsOf(tenant.tenantId, `render:${job.id}:`)).toEqual([]);
  });
});

describe('a render retried after its work was done, before it committed', () => {
  const retried = setupTenant(harness, 'usage-retried');
  const trigger = 'usage_test_fail_first_commit';

  beforeAll(async () => {
    // The first attempt's commit fails after every variant is in the bucket (its transaction rolls
    // back with its events); the retry renders again and commits.
    await harness.api.db.execute(
      sql.raw(`create or replace function ${trigger}() returns trigger language plpgsql as $$
        begin
          if new.state = 'completed' and new.attempts < 2 and new.tenant_id = '${retried.tenantId}' then
            raise exception 'usage test: the first commit fails';
          end if;
          return new;
        end $$`),
    );
    await harness.api.db.execute(sql.raw(`create trigger ${trigger} before update on jobs for each row execute function ${trigger}()`));
  });
  afterAll(async () => {
    await harness.api.db.execute(sql.raw(`drop trigger if exists ${trigger} on jobs`));
    await harness.api.db.execute(sql.raw(`drop function if exists ${trigger}()`));
  });

  it('counts each render once', async () => {
    const { asset, job } = await retried.client.uploadFile(fixture('jolla.jpg'), 'image/jpeg');
    const ready = await retried.client.waitForAsset(asset.id);
    expect(ready.status).toBe('ready');
    expect(await getJob(harness.api.db, { id: job.id })).toMatchObject({ state: 'completed', attempts: 2 });
    expect(await eventsOf(retried.tenantId, `render:${job.id}:`)).toEqual(
      renderEvents(
        job.id,
        ready.variants.map((v) => v.name),
      ),
    );
  });
});

describe('an import', () => {
  const importer = setupTenant(harness, 'usage-import');
  let server: FileServer;
  const photos = new Map<string, Buffer>();

  beforeAll(async () => {
    harness.runImportsOf(importer.tenantId);
    photos.set('/a.jpg', await readFile(fixture('jolla.jpg')));
    photos.set('/b.png', await readFile(fixture('Flag_of_the_Netherlands-alpha.png')));
    server = await startFileServer(Object.fromEntries([...photos].map(([path, bytes]) => [path, serve(bytes)])));
  });
  afterAll(async () => {
    await server?.close();
  });

  it('counts every item settled, and an upload with its bytes for each file imported', async () => {
    const items = ['/a.jpg', '/b.png', '/missing.jpg'].map((path) => ({ url: `${server.base}${path}` }));
    for (const [run, counts] of [
      [1, { imported: 2, skipped: 0, failed: 1 }],
      [2, { imported: 0, skipped: 2, failed: 1 }],
    ] as const) {
      const started = await importer.client.raw('POST', '/v1/imports', { source: { type: 'urls', items } });
      const done = await waitForImport(importer.client, started.body.import.id);
      expect(done.counts, `run ${run}`).toMatchObject(counts);
      const rows = await harness.api.db.execute<{ id: string }>(sql`select id from import_items where import_id = ${done.id}`);
      const ids = new Set(rows.map((r) => `import-item:${r.id}`));
      expect(ids.size).toBe(3);
      const settled = (await eventsOf(importer.tenantId, 'import-item:')).filter((e) => ids.has(e.source));
      expect(settled).toEqual([...ids].map((source) => ({ meter: 'import_items', amount: 1, source })).sort(bySource));
    }
    const uploads = await eventsOf(importer.tenantId, 'upload:');
    const assets = (await importer.client.raw('GET', '/v1/assets')).body.items as { id: string; filename: string }[];
    expect(assets).toHaveLength(2);
    const expected = assets.flatMap((a) => uploadEvents(a.id, photos.get(`/${a.filename}`)!.length));
    expect(uploads).toEqual(expected.sort(bySource));
  });
});

describe('webhook attempts', () => {
  const hooked = setupTenant(harness, 'usage-webhooks');
  let receiver: Receiver;

  beforeAll(async () => {
    // The first request fails: its event is delivered at the second attempt.
    receiver = await startReceiver((_, index) => (index === 0 ? 500 : 204));
  });
  afterAll(async () => {
    await receiver?.stop();
  });

  it('counts each attempt, failed or not, once', async () => {
    const {
      webhook: { id: webhookId },
    } = await addWebhook(hooked.client, receiver.url);
    const { asset } = await hooked.client.uploadFile(fixture('jolla.jpg'), 'image/jpeg');
    await hooked.client.waitForAsset(asset.id);
    const attemptsOf = () => harness.api.db.select().from(webhookAttempts).where(eq(webhookAttempts.webhookId, webhookId));
    // The ready event is the asset's last: once it is delivered and nothing is in flight, every attempt is recorded.
    await waitFor('every attempt recorded', async () => {
      const rows = await attemptsOf();
      return rows.some((r) => r.eventType === 'asset.ready' && r.status === 'succeeded') && rows.every((r) => r.status !== 'pending');
    });
    const attempts = await attemptsOf();
    expect(attempts.length).toBe(receiver.receipts.length);
    expect(attempts.filter((r) => r.status === 'failed')).toHaveLength(1);
    expect(await eventsOf(hooked.tenantId, 'webhook-attempt:')).toEqual(
      attempts.map((a) => ({ meter: 'webhook_deliveries', amount: 1, source: `webhook-attempt:${a.id}` })).sort(bySource),
    );
  });
});

describe('recover', () => {
  const recovered = setupTenant(harness, 'usage-recover');

  it('counts nothing: a rebuilt asset was uploaded and rendered once already', async () => {
    const uploaded = await Promise.all(['jolla.jpg', '320x240.jpg'].map((name) => recovered.client.uploadFile(fixture(name), 'image/jpeg')));
    const ids = uploaded.map(({ asset }) => asset.id);
    for (const id of ids) expect((await recovered.client.waitForAsset(id)).status).toBe('ready');
    // Recover's own bucket requests are counted (flushed counters); what it must not count again is the work.
    const work = async () => (await eventsOf(recovered.tenantId, '')).filter((e) => !e.source.startsWith('flush:'));
    const before = await work();
    expect(before.filter((e) => e.meter === 'uploads')).toHaveLength(2);
    // The database forgets them, as a restore to a point before their upload does.
    await harness.api.db.delete(assets).where(inArray(assets.id, ids));
    const options = { dryRun: false, tenantId: recovered.tenantId, minAgeMs: 0, concurrency: 8, queue: harness.api.queue };
    expect(await recover(harness.workerDeps, options)).toMatchObject({ relinked: 2, queued: 0 });
    for (const id of ids) expect((await recovered.client.waitForAsset(id)).status).toBe('ready');
    expect(await work()).toEqual(before);
  });
});

describe('quota thresholds', () => {
  const limited = setupTenant(harness, 'usage-quota');

  it('a render that reaches a quota raises its events, in the transaction that counts it', async () => {
    const patch = { quotas: { imageRendersPerMonth: 4 } };
    expect((await harness.admin.request('PATCH', `/v1/admin/tenants/${limited.tenantId}`, patch)).status).toBe(200);
    const { asset } = await limited.client.uploadFile(fixture('jolla.jpg'), 'image/jpeg');
    const ready = await limited.client.waitForAsset(asset.id);
    expect(ready.variants).toHaveLength(4);
    const feed = await limited.client.events({ type: 'tenant.quota.warning,tenant.quota.reached' });
    expect(feed.map((e) => [e.type, e.data])).toEqual([
      ['tenant.quota.warning', expect.objectContaining({ quota: 'imageRendersPerMonth', limit: 4, used: 4 })],
      ['tenant.quota.reached', expect.objectContaining({ quota: 'imageRendersPerMonth', limit: 4, used: 4 })],
    ]);
    expect((await limited.client.request('GET', '/v1/tenant')).body.tenant.used).toEqual({ imageRendersPerMonth: 4 });
  });
});
