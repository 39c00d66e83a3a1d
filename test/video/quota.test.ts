import { describe, expect, it } from 'vitest';
import { createTestTenant } from '../support/fixtures.js';
import { setupHarness } from '../support/setup-harness.js';
import { twoRungClip, uploadVideo } from '../support/video.js';

/**
 * videoSecondsPerMonth (docs/api.md#quotas): a video whose output would pass it fails after its
 * probe, before any transcode, with quota_exceeded, once (no retry), as video_too_long does; one
 * that fits renders.
 */
const harness = setupHarness();

async function tenantWithVideoSeconds(name: string, videoSecondsPerMonth: number) {
  const tenant = await createTestTenant(harness, name);
  const res = await harness.admin.request('PATCH', `/v1/admin/tenants/${tenant.tenantId}`, { quotas: { videoSecondsPerMonth } });
  expect(res.status).toBe(200);
  return tenant.client;
}

describe('the video quota', () => {
  it('fails a video whose renders would pass it, at once and before any transcode', async () => {
    const client = await tenantWithVideoSeconds('video-quota-short', 1);
    const { asset, job } = await uploadVideo(client, await twoRungClip(2));
    const failed = await client.waitForAsset(asset.id, 120_000);
    expect(failed).toMatchObject({ status: 'failed', kind: 'video', variants: [], error: { code: 'quota_exceeded' } });
    expect(failed.error!.message).toContain('videoSecondsPerMonth');
    expect((await client.request('GET', `/v1/jobs/${job.id}`)).body).toMatchObject({ state: 'failed', attempts: 1 });
  });

  it('renders a video that fits', async () => {
    const client = await tenantWithVideoSeconds('video-quota-room', 1000);
    const { asset } = await uploadVideo(client, await twoRungClip(2));
    expect(await client.waitForAsset(asset.id, 120_000)).toMatchObject({ status: 'ready', error: null });
  });
});
