import { readFile } from 'node:fs/promises';
import { jobs } from '@darkroom/db/schema';
import { and, count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, type TestTenant } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { waitFor } from '../support/services.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * One tenant's burst must not starve another: tenant A queues 200 jobs, then tenant B queues one,
 * and B's upload is ready after a few of A's renders, not after all 200. Serial: it loads the worker.
 */
const BURST = 200;

const harness = setupHarness();
const a = setupTenant(harness, 'fairness-burst');
let b: TestTenant;

beforeAll(async () => {
  b = await createTestTenant(harness, 'fairness-single');
});

const completedJobsOf = async (tenantId: string) =>
  (
    await harness.api.db
      .select({ n: count() })
      .from(jobs)
      .where(and(eq(jobs.tenantId, tenantId), eq(jobs.state, 'completed')))
  )[0]!.n;

describe('fair across tenants', () => {
  it("a tenant's single upload is ready after a few of another tenant's 200 queued jobs", async () => {
    const bytes = new Uint8Array(await readFile(fixture('320x240.jpg')));
    expect((await a.admin.request('POST', '/v1/admin/queues/pause')).status).toBe(200);
    for (let i = 0; i < BURST; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, BURST - i) }, (_, j) =>
          a.client.uploadAndComplete(bytes, { filename: `a${i + j}.jpg`, contentType: 'image/jpeg' }),
        ),
      );
    }
    const { asset } = await b.client.uploadAndComplete(bytes, { filename: 'b.jpg', contentType: 'image/jpeg' });
    expect((await a.admin.request('POST', '/v1/admin/queues/resume')).status).toBe(200);

    expect((await b.client.waitForAsset(asset.id)).status).toBe('ready');
    const aheadOfB = await completedJobsOf(a.tenantId);
    console.log(`fairness: B's upload was ready after ${aheadOfB} of A's ${BURST} queued jobs had finished`);
    // Two worker slots: B's job starts right after A's first ones, give or take a few in flight.
    expect(aheadOfB).toBeLessThanOrEqual(10);

    // Let A's burst drain, so no queued rows are left for other tests' reconcilers.
    await waitFor("A's burst to finish", async () => (await completedJobsOf(a.tenantId)) === BURST, 120_000, 250);
  });
});
