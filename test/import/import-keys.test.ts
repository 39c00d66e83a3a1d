import { randomBytes } from 'node:crypto';
import { imports } from '@darkroom/db/import-schema';
import { eq, sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../../apps/worker/src/config.js';
import { createWorkerDeps } from '../../apps/worker/src/deps.js';
import { startImportLane } from '../support/harness.js';
import { createTestTenant, type TestTenant } from '../support/fixtures.js';
import { waitForImport } from '../support/imports.js';
import { waitFor } from '../support/services.js';
import { createSourceBucket, type SourceBucket } from '../support/source-bucket.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * An import's sealed source keys (docs/api.md#imports-tenant-api-key): a runner that cannot open them
 * (WEBHOOK_SECRET_KEY changed since they were sealed) fails the import at once and never spins on it;
 * any other unexpected error ends the run with its lease left to lapse; a paused import's keys are
 * deleted after IMPORT_PAUSED_KEEP_DAYS, failing it, and an import started again skips what it made.
 */
const harness = setupHarness({ withWorker: false, env: { IMPORT_CONCURRENCY: '1' } });
let source: SourceBucket;

beforeAll(async () => {
  source = await createSourceBucket({ photos: 40 });
}, 120_000);
afterAll(() => source?.remove());

const STOPPED = 'an import stopped on an error';

/** A worker's import lane for `tenant`'s imports with deps of its own (`env` over the tests'), and every line it logs. */
function runnerOf(tenant: TestTenant, env: Record<string, string> = {}) {
  const lines: string[] = [];
  const log = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
  const deps = createWorkerDeps(loadWorkerConfig({ ...process.env, QUEUE_PREFIX: harness.prefix, ...env }), log);
  deps.importScope = { tenantIds: () => [tenant.tenantId] };
  const runner = startImportLane(deps);
  return {
    lines,
    stopped: () => lines.filter((line) => line.includes(STOPPED)).length,
    async close() {
      await runner.close();
      await deps.close();
    },
  };
}

const theirArchive = () => ({
  type: 'bucket',
  region: 'us-east-1',
  bucket: 'their-archive',
  accessKeyId: 'AKIAKEYS',
  secretAccessKey: `secret-${randomBytes(8).toString('hex')}`,
});

async function started(tenant: TestTenant, body: Record<string, unknown>): Promise<string> {
  const res = await tenant.client.raw('POST', '/v1/imports', body);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.import.id;
}

const importRow = async (id: string) => (await harness.api.db.select().from(imports).where(eq(imports.id, id)))[0]!;

describe('a runner whose WEBHOOK_SECRET_KEY is not the one that sealed the keys', () => {
  it('fails the import source_forbidden at once, its keys dropped, without taking it again and again', async () => {
    const tenant = await createTestTenant(harness, 'import-keys-rotated');
    const id = await started(tenant, { source: theirArchive() });
    const runner = runnerOf(tenant, { WEBHOOK_SECRET_KEY: `rotated-${randomBytes(16).toString('hex')}` });
    try {
      const ended = await waitForImport(tenant.client, id, undefined, 10_000);
      expect([ended.status, ended.error?.code]).toEqual(['failed', 'source_forbidden']);
      expect(ended.error!.message).toMatch(/sealing key changed/);
      expect((await importRow(id)).credentialsSealed).toBeNull();
      expect(runner.stopped()).toBe(0);
    } finally {
      await runner.close();
    }
  });
});

describe('an unexpected error while a source is opened', () => {
  it('ends the run with the lease kept to lapse: tried again no sooner, never in a loop', async () => {
    const tenant = await createTestTenant(harness, 'import-keys-unexpected');
    const id = await started(tenant, { source: theirArchive() });
    // A bucket import without its keys: no source to open, which no import of the API ever is.
    await harness.api.db.update(imports).set({ credentialsSealed: null }).where(eq(imports.id, id));
    const runner = runnerOf(tenant);
    try {
      await waitFor('the run to stop on its error', async () => runner.stopped() > 0);
      await new Promise((resolve) => setTimeout(resolve, 4000));
      expect(runner.stopped()).toBe(1);
      const row = await importRow(id);
      expect(row.status).toBe('planning');
      expect(row.leaseUntil!.getTime()).toBeGreaterThan(Date.now());
    } finally {
      await runner.close();
    }
  });
});

describe('a paused bucket import', () => {
  it('past IMPORT_PAUSED_KEEP_DAYS fails source_forbidden, its keys deleted; started again, it skips what it made', async () => {
    const tenant = await createTestTenant(harness, 'import-keys-paused');
    const body = { source: { type: 'bucket', region: 'us-east-1', bucket: source.name, prefix: source.prefix, ...source.credentials } };
    const id = await started(tenant, body);
    harness.runImportsOf(tenant.tenantId);
    await waitFor('a few photos imported', async () => (await importRow(id)).imported >= 3, 60_000);
    expect((await tenant.client.raw('POST', `/v1/imports/${id}/pause`)).body.import.status).toBe('paused');
    // Its run stopped: nothing more is made while it is paused.
    await waitFor('the run to give its lease back', async () => (await importRow(id)).leaseOwner === null);
    const made = (await importRow(id)).imported;
    expect(made).toBeLessThan(source.photoKeys.length);

    // Paused a week and a day ago, as a runner that starts (and looks at once) sees it.
    await harness.api.db.execute(sql`update imports set updated_at = now() - interval '8 days' where id = ${id}`);
    const runner = runnerOf(tenant, { IMPORT_PAUSED_KEEP_DAYS: '7' });
    try {
      const ended = await waitForImport(tenant.client, id, ['failed'], 10_000);
      expect(ended.error).toMatchObject({ code: 'source_forbidden' });
      expect(ended.error!.message).toMatch(/paused more than 7 days \(IMPORT_PAUSED_KEEP_DAYS\)/);
      expect(ended.counts.imported).toBe(made);
      expect((await importRow(id)).credentialsSealed).toBeNull();
      const events = await tenant.client.events({ type: 'import.failed' });
      expect(events.some((e) => (e.data as { import: { id: string } }).import.id === id)).toBe(true);
    } finally {
      await runner.close();
    }

    const again = await waitForImport(tenant.client, await started(tenant, body), undefined, 120_000);
    expect(again.status).toBe('done');
    expect(again.counts.skipped).toBe(made);
    expect(again.counts.imported).toBe(source.photoKeys.length - made);
  });
});
