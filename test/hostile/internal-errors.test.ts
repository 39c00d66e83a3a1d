import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { originalLocation } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { asMultipart } from '../support/client.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { MiB } from '@darkroom/core/limits';

/**
 * Tenants read `asset.error`, their jobs' errors and `complete`'s refusals. None of it may name a
 * bucket, key, host, SQL statement or stack; the raw error goes to the logs and the admin job routes.
 */
// Two attempts, a second apart: a failure that is retried still ends within seconds.
const harness = setupHarness({ withWorker: false, env: { JOB_MAX_ATTEMPTS: '2', MULTIPART_THRESHOLD_BYTES: String(8 * MiB) } });
const tenant = setupTenant(harness, 'internal-errors');

/** Names that are the operators' business only. */
function internals(key: string): string[] {
  const { bucket, publicBucket, endpoint } = harness.api.config.storage;
  return [bucket, publicBucket, key, new URL(endpoint).host, 'insert into', 'params:', 'Failed query', '    at '];
}

function expectNothingInternal(what: unknown, key: string) {
  const text = JSON.stringify(what);
  for (const name of internals(key)) expect(text, `"${name}" in ${text}`).not.toContain(name);
}

/** Everything the tenant can read about an asset that failed, and its job. */
async function failedAsSeenByTenant(assetId: string, jobId: string) {
  const asset = await tenant.client.waitForAsset(assetId);
  expect(asset.status).toBe('failed');
  const jobs = await tenant.client.request('GET', `/v1/assets/${assetId}/jobs`);
  const job = await tenant.client.request('GET', `/v1/jobs/${jobId}`);
  return { asset, jobs: jobs.body, job: job.body };
}

async function adminJob(jobId: string) {
  const res = await tenant.admin.request('GET', `/v1/admin/jobs?tenantId=${tenant.tenantId}&state=failed&limit=100`);
  expect(res.status).toBe(200);
  return res.body.items.find((j) => j.id === jobId)!;
}

/** A trigger that makes Postgres refuse this asset's variant rows: a database error inside the worker's attempt. */
async function refuseVariantsOf(assetId: string): Promise<() => Promise<void>> {
  const name = `darkroom_test_refuse_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await harness.api.db.execute(
    sql.raw(`create function ${name}() returns trigger language plpgsql as $$ begin
      if new.asset_id = '${assetId}' then raise exception 'test: variants of this asset are refused'; end if;
      return new; end $$`),
  );
  await harness.api.db.execute(sql.raw(`create trigger ${name} before insert on variants for each row execute function ${name}()`));
  return async () => {
    await harness.api.db.execute(sql.raw(`drop trigger if exists ${name} on variants`));
    await harness.api.db.execute(sql.raw(`drop function if exists ${name}()`));
  };
}

describe('worker failures: a clean message for the tenant, the detail for admins', () => {
  it('an original missing from the bucket', async () => {
    const { asset, job } = await tenant.client.uploadFile(fixture('320x240.jpg'), 'image/jpeg');
    const location = await originalLocation(harness, asset.id);
    await harness.api.storage.deleteObject(location);
    harness.startWorker();

    const seen = await failedAsSeenByTenant(asset.id, job.id);
    expectNothingInternal(seen, location.key);
    expect(seen.asset.error?.code).toBe('internal_error');
    expect(seen.asset.error?.message).toMatch(/missing/);

    const row = await adminJob(job.id);
    expect(row.error).toEqual(seen.asset.error);
    expect(row.errorDetail).toContain(`${location.bucket}/${location.key}`);
    expect(row.history).toHaveLength(2);
    for (const attempt of row.history) expect(attempt.errorDetail).toContain(location.key);
  });

  it('a database error, whose raw text is the SQL and its parameters', async () => {
    harness.startWorker();
    const bytes = new Uint8Array(await readFile(fixture('320x240.jpg')));
    const { asset, parts } = await tenant.client.upload(bytes, { filename: 'sql.jpg', contentType: 'image/jpeg' });
    const allowVariants = await refuseVariantsOf(asset.id);
    try {
      const { job } = (await tenant.client.request('POST', `/v1/uploads/${asset.id}/complete`, parts ? { parts } : {})).body;
      const seen = await failedAsSeenByTenant(asset.id, job.id);
      expect(seen.asset.error?.code).toBe('internal_error');
      expectNothingInternal(seen, (await originalLocation(harness, asset.id)).key);
      expect(seen.asset.error?.message).not.toContain('variants of this asset are refused');

      const row = await adminJob(job.id);
      expect(row.errorDetail).toContain('insert into "variants"');
      expect(row.errorDetail).toContain('variants of this asset are refused');
    } finally {
      await allowVariants();
    }
  });
});

describe('complete: upload_missing names no bucket or key', () => {
  it('for multipart parts that were never uploaded, and for an object that was never PUT', async () => {
    const started = await tenant.client.request('POST', '/v1/uploads', { filename: 'big.png', contentType: 'image/png', size: 9 * MiB });
    const { key } = await originalLocation(harness, started.body.asset.id);
    const parts = asMultipart(started.body.upload).parts.map((p) => ({ partNumber: p.partNumber, etag: `"${'0'.repeat(32)}"` }));
    const multipart = await tenant.client.request('POST', `/v1/uploads/${started.body.asset.id}/complete`, { parts });
    expect(multipart.status, JSON.stringify(multipart.body)).toBe(409);
    expect(multipart.body.error?.code).toBe('upload_missing');
    expectNothingInternal(multipart.body, key);

    const single = await tenant.client.request('POST', '/v1/uploads', { filename: 'a.jpg', contentType: 'image/jpeg', size: 100 });
    const missing = await tenant.client.request('POST', `/v1/uploads/${single.body.asset.id}/complete`, {});
    expect(missing.body.error?.code).toBe('upload_missing');
    expectNothingInternal(missing.body, (await originalLocation(harness, single.body.asset.id)).key);
  });
});
