import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listAssetJobs } from '@darkroom/db/queries/jobs';
import { tenants } from '@darkroom/db/schema';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { addHashSignatures, TEST_CLAMD_HOST, TEST_SIGNATURES } from '../support/clamd.js';
import { createTestTenant, noisePng, type TestTenant } from '../support/fixtures.js';
import { waitFor } from '../support/services.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * A rescan after a signature update (docs/api.md#review-and-rescans), with the real clamd: a photo
 * published clean is taken down once the signatures know it, as a `reject` by `policy`; and the
 * worker's scanners as `/readyz` reads them from its report.
 */
const harness = setupHarness({ env: { CLAMD_HOST: TEST_CLAMD_HOST } });
let tenant: TestTenant;

beforeAll(async () => {
  tenant = await createTestTenant(harness, 'moderation-rescan');
  await harness.api.db
    .update(tenants)
    .set({ moderation: { malware: 'reject' } })
    .where(eq(tenants.id, tenant.tenantId));
});

describe('a rescan', () => {
  it('takes down a published photo the updated signatures match, and leaves the others', async () => {
    // Photos of their own: no other file's signature names them, and no blocklist holds them.
    const [later, clean] = await Promise.all([noisePng(96), noisePng(97)]);
    const upload = async (bytes: Buffer) => {
      const { asset } = await tenant.client.uploadAndComplete(new Uint8Array(bytes), { filename: 'r.png', contentType: 'image/png' });
      return tenant.client.waitForAsset(asset.id);
    };
    const [first, second] = await Promise.all([upload(later), upload(clean)]);
    expect([first.status, second.status]).toEqual(['ready', 'ready']);

    const name = `Darkroom.Test.Rescan.${first.id.replaceAll('-', '')}`;
    const path = join(await mkdtemp(join(tmpdir(), 'darkroom-rescan-')), 'later.png');
    await writeFile(path, later);
    await addHashSignatures([{ name, path }]);

    const since = new Date(Date.parse(first.createdAt) - 1000).toISOString();
    const started = await harness.admin.request('POST', '/v1/admin/moderation/rescan', { since, tenantId: tenant.tenantId });
    expect(started.status).toBe(202);
    const rejected = await tenant.client.waitForStatus(first.id, 'rejected', 60_000);
    expect(rejected).toMatchObject({
      error: { code: 'content_rejected' },
      moderation: { state: 'rejected', decidedBy: 'policy', findings: [{ check: 'malware', label: TEST_SIGNATURES.hash(name) }] },
    });
    // The other is scanned again and stays published.
    await waitFor(
      'the other rescan to finish',
      async () => {
        const jobs = await listAssetJobs(harness.api.db, { assetId: second.id, limit: 10 });
        return jobs.some((j) => j.kind === 'rescan' && j.state === 'completed');
      },
      60_000,
      200,
    );
    expect((await tenant.client.request('GET', `/v1/assets/${second.id}`)).body.status).toBe('ready');
  });

  it("is the worker's clamd on /readyz: up", async () => {
    const readiness = await waitFor(
      'the worker to report its scanners',
      async () => {
        const { body } = await harness.admin.raw('GET', '/readyz');
        return body.scanner === 'up' && body;
      },
      20_000,
      200,
    );
    expect(readiness.scanner).toBe('up');
  });
});
