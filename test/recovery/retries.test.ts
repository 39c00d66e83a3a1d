import { getJob } from '@darkroom/db/queries/jobs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../support/images.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

const RETRY_DELAY_MS = 2500;
// A 10 ms render budget times out on any real photo; the retry waits JOB_RETRY_SCHEDULE's delay.
const harness = setupHarness({ env: { JOB_TIMEOUT: '10ms', JOB_RETRY_SCHEDULE: `${RETRY_DELAY_MS}ms`, JOB_MAX_ATTEMPTS: '5' } });
const tenant = setupTenant(harness, 'retries');

describe('retries', () => {
  it('a render timeout gets one more attempt, after the scheduled delay, then fails render_timeout', async () => {
    const { asset, job } = await tenant.client.uploadFile(fixture('jolla.jpg'), 'image/jpeg');
    const failed = await tenant.client.waitForAsset(asset.id);
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
