import { stagingKey } from '@darkroom/core';
import { claimImportIdentity, newId } from '@darkroom/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepStaging } from '../../apps/worker/src/staging-sweep.js';
import { createTestTenant, type TestTenant } from '../support/fixtures.js';
import { startHarness, type Harness } from '../support/harness.js';

let harness: Harness;
let tenant: TestTenant;

beforeAll(async () => {
  harness = await startHarness({ withWorker: false });
  tenant = await createTestTenant(harness, 'import-staging');
});
afterAll(() => harness?.close());

const staged = (assetId: string) => ({ bucket: harness.api.config.storage.bucket, key: stagingKey(tenant.tenantId, assetId) });
const exists = (assetId: string) =>
  harness.api.storage.headObject(staged(assetId)).then(
    () => true,
    () => false,
  );

describe('the staging sweep and an import', () => {
  // An import brings a file's bytes to its staging key before the asset's row exists (the row
  // needs the type the bytes show): the id its identity reserved keeps them from the sweep.
  it('keeps the bytes an import staged for the asset id it reserved, and sweeps a row-less object nobody reserved', async () => {
    const reserved = newId();
    const nobodys = newId();
    const claim = await claimImportIdentity(harness.api.db, {
      tenantId: tenant.tenantId,
      identityHash: `staging-${reserved}`,
      itemId: newId(),
      importId: newId(),
      assetId: reserved,
    });
    expect(claim).toEqual({ mine: true, assetId: reserved });
    for (const id of [reserved, nobodys]) {
      await harness.api.storage.putObject({ ...staged(id), body: Buffer.from('bytes on their way'), contentType: 'application/octet-stream' });
    }
    expect(await sweepStaging(harness.workerDeps, { tenantId: tenant.tenantId })).toBe(1);
    expect(await exists(reserved)).toBe(true);
    expect(await exists(nobodys)).toBe(false);
    await harness.api.storage.deleteObject(staged(reserved));
  });
});
