import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApi } from '../support/client.js';
import { fixture } from '../support/images.js';
import { startServices, stopS3Gateway, waitFor } from '../support/services.js';
import { setupHarness } from '../support/setup-harness.js';

// Three attempts: first at once, then after 2 s and 4 s of backoff.
const harness = setupHarness({ withWorker: false, env: { JOB_MAX_ATTEMPTS: '3' } });
let tenant: TestApi;

beforeAll(async () => {
  tenant = harness.admin.withToken((await harness.admin.createTenant('s3-outage')).apiKey);
});
afterAll(() => startServices());

/** The job row as Postgres holds it, attempt history included. */
const jobOf = async (id: string) => (await harness.api.db.query.jobs.findFirst({ where: (j, { eq }) => eq(j.id, id) }))!;

describe('S3 server stopped while jobs run', () => {
  it('a job retries with backoff and finishes once the server is back', async () => {
    const { asset, job } = await tenant.uploadFile(fixture('jolla.jpg'), 'image/jpeg');
    await stopS3Gateway();
    try {
      harness.startWorker();
      const failedOnce = await waitFor('a failed attempt', async () => {
        const row = await jobOf(job.id);
        return row.history.some((h) => h.errorCode === 'storage_unavailable') && row;
      });
      expect(failedOnce.state).not.toBe('failed');
      const ready = await new TestApi(harness.baseUrl).request('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.error?.details?.down).toEqual(['storage']);
      // Which dependency is down, never its error text (anyone may call /readyz).
      expect(ready.body.error?.details?.checks).toEqual({ postgres: 'ok', redis: 'ok', storage: 'down' });
      expect(JSON.stringify(ready.body)).not.toMatch(/127\.0\.0\.1|7480|ECONNREFUSED|darkroom-test/);
    } finally {
      await startServices();
    }
    const done = await tenant.waitForAsset(asset.id, 60_000);
    expect(done.status).toBe('ready');
    const final = await jobOf(job.id);
    expect(final.state).toBe('completed');
    expect(final.attempts).toBeGreaterThanOrEqual(2);
    expect(final.history[0]!.errorCode).toBe('storage_unavailable');
  });

  it('after the last attempt the job is failed with storage_unavailable, and an admin retry later succeeds', async () => {
    await harness.worker!.worker.pause();
    const { asset, job } = await tenant.uploadFile(fixture('320x240.jpg'), 'image/jpeg');
    await stopS3Gateway();
    try {
      harness.worker!.worker.resume();
      const failed = await tenant.waitForAsset(asset.id, 60_000);
      expect(failed.status).toBe('failed');
      expect(failed.error?.code).toBe('storage_unavailable');
      const row = await jobOf(job.id);
      expect(row).toMatchObject({ state: 'failed', attempts: 3, errorCode: 'storage_unavailable' });
      expect(row.history.map((h) => h.errorCode)).toEqual(['storage_unavailable', 'storage_unavailable', 'storage_unavailable']);
    } finally {
      await startServices();
    }
    const retried = await harness.admin.request('POST', `/v1/admin/jobs/${job.id}/retry`);
    expect(retried.status).toBe(202);
    const done = await tenant.waitForAsset(asset.id, 60_000);
    expect(done.status).toBe('ready');
    expect((await jobOf(job.id)).attempts).toBe(4);
  });
});
