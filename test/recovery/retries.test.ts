import { getJob } from '@darkroom/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApi } from '../support/client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { fixture } from '../support/images.js';

let harness: Harness;
let client: TestApi;
const RETRY_DELAY_MS = 2500;

beforeAll(async () => {
  // A 10 ms render budget times out on any real photo; the retry waits JOB_RETRY_SCHEDULE's delay.
  harness = await startHarness({ env: { JOB_TIMEOUT: '10ms', JOB_RETRY_SCHEDULE: `${RETRY_DELAY_MS}ms`, JOB_MAX_ATTEMPTS: '5' } });
  const admin = new TestApi(harness.baseUrl, harness.adminToken);
  client = admin.withToken((await admin.createTenant('retries')).apiKey);
});
afterAll(() => harness?.close());

describe('retries', () => {
  it('a render timeout gets one more attempt, after the scheduled delay, then fails render_timeout', async () => {
    const { asset, job } = await client.uploadFile(fixture('jolla.jpg'), 'image/jpeg');
    const failed = await client.waitForAsset(asset.id);
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('render_timeout');

    const row = await getJob(harness.api.db, { id: job.id });
    // Two attempts of the five JOB_MAX_ATTEMPTS allows: a slow image is not retried like an outage.
    expect(row).toMatchObject({ state: 'failed', attempts: 2, errorCode: 'render_timeout' });
    expect(row!.history.map((h) => h.errorCode)).toEqual(['render_timeout', 'render_timeout']);
    const [first, second] = row!.history;
    const gapMs = Date.parse(second!.startedAt) - Date.parse(first!.finishedAt!);
    // BullMQ never runs a delayed job early; the lower bound is the schedule's first delay.
    expect(gapMs).toBeGreaterThanOrEqual(RETRY_DELAY_MS - 100);
  });
});
