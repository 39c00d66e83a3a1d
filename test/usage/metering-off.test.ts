import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { fixture } from '../support/images.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/** USAGE_METERING=off, the benchmarks' baseline: the same build records no usage where work commits. */
const harness = setupHarness({ env: { USAGE_METERING: 'off' } });
const tenant = setupTenant(harness, 'usage-off');

describe('USAGE_METERING=off', () => {
  it('an upload and its render record no event', async () => {
    const { asset } = await tenant.client.uploadFile(fixture('jolla.jpg'), 'image/jpeg');
    const ready = await tenant.client.waitForAsset(asset.id);
    expect(ready.variants.length).toBeGreaterThan(0);
    const rows = await harness.api.db.execute(sql`select source from usage_events where tenant_id = ${tenant.tenantId}`);
    expect([...rows]).toEqual([]);
  });
});
