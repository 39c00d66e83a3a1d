import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { retryJobs } from '../../apps/api/src/services/admin/jobs.js';
import { TestApi } from '../support/client.js';
import { failedUpload } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

const harness = setupHarness();
const t = setupTenant(harness, 'admin-console');
const other = setupTenant(harness, 'admin-console-other');

describe('admin console routes', () => {
  it('lists failed jobs by tenant, error code and time, with their attempt history', async () => {
    const before = new Date().toISOString();
    const mine = await failedUpload(t.client);
    const theirs = await failedUpload(other.client);

    const res = await harness.admin.request('GET', `/v1/admin/jobs?state=failed&tenantId=${t.tenantId}&errorCode=corrupt_image&since=${before}`);
    expect(res.status).toBe(200);
    const ids = res.body.items.map((j) => j.id);
    expect(ids).toContain(mine.job.id);
    expect(ids).not.toContain(theirs.job.id);
    const listed = res.body.items.find((j) => j.id === mine.job.id);
    expect(listed).toMatchObject({ tenantId: t.tenantId, state: 'failed', error: { code: 'corrupt_image' } });
    expect(listed?.history).toHaveLength(1);
    expect(listed?.history[0]).toMatchObject({ attempt: 1, errorCode: 'corrupt_image' });

    const later = await harness.admin.request('GET', `/v1/admin/jobs?state=failed&since=${new Date(Date.now() + 60_000).toISOString()}`);
    expect(later.body.items).toEqual([]);
    expect((await harness.admin.request('GET', '/v1/admin/jobs?errorCode=bogus')).status).toBe(400);
    expect((await t.client.request('GET', '/v1/admin/jobs')).status).toBe(403);
  });

  it('checks the caller before the route under /v1/admin: only an admin learns that a route is not there', async () => {
    const upload = await t.client.withUploadToken();
    const anonymous = new TestApi(harness.baseUrl);
    for (const path of ['/v1/admin/tenants', '/v1/admin/no-such-route', '/v1/admin']) {
      const asAdmin = await harness.admin.raw('GET', path);
      expect(asAdmin.status, path).toBe(404);
      expect(asAdmin.body.error).toMatchObject({ code: 'not_found', message: `No route GET ${path}.` });
      expect((await t.client.raw('GET', path)).body.error.code, path).toBe('forbidden');
      expect((await upload.raw('GET', path)).status, path).toBe(403);
      expect((await anonymous.raw('GET', path)).status, path).toBe(401);
    }
    // Elsewhere an unknown route is 404 to anyone, and the console's own pages are not under the prefix.
    expect((await upload.raw('GET', '/v1/no-such-route')).status).toBe(404);
    expect((await anonymous.raw('GET', '/v1/administrators')).status).toBe(404);
  });

  it('retries one failed job as a new attempt, and refuses to retry a job that has not failed', async () => {
    const { asset, job } = await failedUpload(t.client);
    // Replace the broken original with a good one, as an operator fixing the cause would.
    const row = await harness.api.db.query.assets.findFirst({ where: (a, { eq }) => eq(a.id, asset.id) });
    const good = await readFile(fixture('320x240.jpg'));
    await harness.api.storage.putObject({ bucket: process.env.S3_BUCKET!, key: row!.originalKey, body: good, contentType: 'image/jpeg' });

    const retried = await harness.admin.request('POST', `/v1/admin/jobs/${job.id}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.body.job).toMatchObject({ id: job.id, state: 'queued' });
    const ready = await t.client.waitForAsset(asset.id);
    expect(ready.status).toBe('ready');
    const final = (await t.client.request('GET', `/v1/jobs/${job.id}`)).body;
    expect(final).toMatchObject({ state: 'completed', attempts: 2 });

    const again = await harness.admin.request('POST', `/v1/admin/jobs/${job.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error?.code).toBe('invalid_state');
    expect((await harness.admin.request('POST', '/v1/admin/jobs/00000000-0000-7000-8000-000000000000/retry')).status).toBe(404);
  });

  it('bulk retry counts with dryRun and requeues only matching failed jobs', async () => {
    const tenantFailures = [await failedUpload(t.client), await failedUpload(t.client)];
    const otherFailure = await failedUpload(other.client);

    const dry = await harness.admin.request('POST', '/v1/admin/jobs/retry', { state: 'failed', tenantId: t.tenantId, dryRun: true });
    expect(dry.status).toBe(202);
    expect(dry.body.requeued).toBe(0);
    expect(dry.body.matched).toBeGreaterThanOrEqual(2);
    // A dry run changes nothing.
    for (const { job } of tenantFailures) expect((await t.client.request('GET', `/v1/jobs/${job.id}`)).body.state).toBe('failed');

    const real = await harness.admin.request('POST', '/v1/admin/jobs/retry', { state: 'failed', tenantId: t.tenantId, errorCode: 'corrupt_image' });
    expect(real.body).toEqual({ matched: dry.body.matched, requeued: dry.body.matched });
    for (const { asset } of tenantFailures) {
      const after = await t.client.waitForAsset(asset.id);
      expect(after.status).toBe('failed'); // still truncated: it fails again, once more
      expect((await t.client.request('GET', `/v1/assets/${asset.id}/jobs`)).body.items[0]?.attempts).toBe(2);
    }
    expect((await other.client.request('GET', `/v1/jobs/${otherFailure.job.id}`)).body.attempts).toBe(1);
    expect((await harness.admin.raw('POST', '/v1/admin/jobs/retry', { state: 'failed', extra: 1 })).status).toBe(400);
  });

  it('bulk retry works through the matching jobs in batches, each job once', async () => {
    const created = await harness.admin.createTenant('admin-console-batches');
    const client = harness.admin.withToken(created.apiKey);
    const failures = [await failedUpload(client), await failedUpload(client), await failedUpload(client)];
    const log = pino({ level: 'silent' });
    // Batches of two over three jobs: a full batch, then a short one.
    const result = await retryJobs(harness.api, log, { filter: { tenantId: created.tenantId }, dryRun: false, batchSize: 2 });
    expect(result).toEqual({ matched: 3, requeued: 3 });
    for (const { asset, job } of failures) {
      expect((await client.waitForAsset(asset.id)).status).toBe('failed');
      expect((await client.request('GET', `/v1/jobs/${job.id}`)).body.attempts).toBe(2);
    }
  });

  it('reprocesses a ready asset as a new reprocess job', async () => {
    const { asset } = await t.client.uploadFile(fixture('320x240.jpg'), 'image/jpeg');
    const first = await t.client.waitForAsset(asset.id);
    const res = await harness.admin.request('POST', `/v1/admin/assets/${asset.id}/reprocess`);
    expect(res.status).toBe(202);
    expect(res.body.job).toMatchObject({ kind: 'reprocess', assetId: asset.id });
    const again = await t.client.waitForAsset(asset.id);
    expect(again.status).toBe('ready');
    expect(again.variants.map((v) => v.url)).toEqual(first.variants.map((v) => v.url));
    const jobs = (await t.client.request('GET', `/v1/assets/${asset.id}/jobs`)).body.items;
    expect(jobs.map((j) => [j.kind, j.state])).toEqual([
      ['reprocess', 'completed'],
      ['process', 'completed'],
    ]);
  });

  it('shows queue counts, and pause holds new work until resume', async () => {
    const counts = await harness.admin.request('GET', '/v1/admin/queues');
    expect(counts.status).toBe(200);
    expect(counts.body.queue).toMatchObject({ name: 'assets', paused: false });
    expect(counts.body.jobs.failed).toBeGreaterThan(0);

    expect((await harness.admin.request('POST', '/v1/admin/queues/pause')).body).toEqual({ paused: true });
    const { asset, job } = await t.client.uploadFile(fixture('320x240.jpg'), 'image/jpeg');
    // The entry sits in the paused queue, where no worker takes it: a state, not a wait.
    expect(await harness.api.queue.queues.default.getJobState(job.id)).toMatch(/^(waiting|prioritized)$/);
    expect(await harness.api.queue.queues.default.isPaused()).toBe(true);
    expect((await t.client.request('GET', `/v1/assets/${asset.id}`)).body.status).toBe('queued');
    const paused = await harness.admin.request('GET', '/v1/admin/queues');
    expect(paused.body.queue.paused).toBe(true);
    expect(paused.body.queue.counts.waiting).toBeGreaterThanOrEqual(1);
    expect(paused.body.queue.counts).not.toHaveProperty('paused');

    expect((await harness.admin.request('POST', '/v1/admin/queues/resume')).body).toEqual({ paused: false });
    expect((await t.client.waitForAsset(asset.id)).status).toBe('ready');
  });
});
