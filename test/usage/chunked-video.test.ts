import { describe, expect, it } from 'vitest';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { countedVideoSeconds, eventsOf, expectedVideoSeconds } from '../support/usage.js';
import { chunkedLadderEnv, clip, uploadVideo } from '../support/video.js';

/**
 * A ladder rendered in chunks is counted once, at its join, rung by rung as ffprobe reads each
 * stored playlist: not per chunk, and not for the interim stream published before it.
 */
const harness = setupHarness(chunkedLadderEnv);
const tenant = setupTenant(harness, 'usage-chunked');

describe('a chunked ladder', () => {
  it('counts each rung and rendition once, with the seconds of what was stored', async () => {
    const { asset, job } = await uploadVideo(tenant.client, await clip('ladder.mp4'), 'video/mp4', 'ladder');
    const ready = await tenant.client.waitForAsset(asset.id, 180_000);
    expect(ready).toMatchObject({ status: 'ready', playable: true });
    const expected = await expectedVideoSeconds(ready, job.id);
    expect(expected.rungs).toHaveLength(2);
    expect(expected.renditions).toHaveLength(1);
    expect(await countedVideoSeconds(harness.api.db, tenant.tenantId, job.id)).toEqual(expected);
    // Every video event of the tenant is this job's: the chunk jobs and the interim stream count nothing.
    expect(await eventsOf(harness.api.db, tenant.tenantId, 'video:')).toHaveLength(3);
  });
});
