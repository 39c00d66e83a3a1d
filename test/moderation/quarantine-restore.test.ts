import { getAsset } from '@darkroom/db/queries/assets';
import type { ObjectStorage } from '@darkroom/storage';
import { expect, it } from 'vitest';
import { quarantineRejectedAsset } from '../../apps/worker/src/sweeps/quarantine.js';
import { readyPhoto } from '../support/moderation.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * An admin's restore of a rejected asset racing the quarantine pass (docs/api.md#decisions): the
 * pass read the asset rejected, the restore then queued it again; the restored asset renders from
 * its original, wherever the pass had moved it.
 */
const harness = setupHarness({ withWorker: false });
const t = setupTenant(harness, 'moderation-quarantine-restore');

/** A ready photo, rejected by its tenant, with no worker running: its quarantine pass is the test's to run. */
async function rejectedPhoto(): Promise<string> {
  harness.startWorker();
  const asset = await readyPhoto(t.client);
  await harness.worker!.close();
  harness.worker = null;
  expect((await t.client.request('POST', `/v1/assets/${asset.id}/moderation`, { decision: 'reject' })).status).toBe(200);
  return asset.id;
}

const restore = (id: string) => harness.admin.request('POST', `/v1/admin/assets/${id}/moderation`, { decision: 'approve' });

async function expectRenderedAgain(id: string): Promise<void> {
  harness.startWorker();
  const settled = await t.client.waitForAsset(id);
  expect(settled, JSON.stringify(settled.error)).toMatchObject({ status: 'ready', moderation: { state: 'approved', decidedBy: 'admin' } });
}

it('renders a restored asset whose original the quarantine pass moved after reading it rejected', async () => {
  const id = await rejectedPhoto();
  const asset = { id };
  // What the pass listed: the asset as it was before the restore.
  const listed = (await getAsset(harness.api.db, { id: asset.id }))!;
  expect((await restore(asset.id)).status).toBe(200);
  await quarantineRejectedAsset(harness.workerDeps, listed);
  await expectRenderedAgain(asset.id);
});

it('puts the original back when the restore comes while the pass copies it to quarantine', async () => {
  const id = await rejectedPhoto();
  const listed = (await getAsset(harness.api.db, { id }))!;
  let restored = false;
  const storage = new Proxy(harness.workerDeps.storage, {
    get(target, key, receiver) {
      if (key !== 'copyObject') return Reflect.get(target, key, receiver);
      return async (...args: Parameters<ObjectStorage['copyObject']>) => {
        if (!restored) {
          restored = true;
          expect((await restore(id)).status).toBe(200);
        }
        return target.copyObject(...args);
      };
    },
  });
  expect(await quarantineRejectedAsset({ ...harness.workerDeps, storage }, listed)).toBe(false);
  expect(restored).toBe(true);
  await expectRenderedAgain(id);
});
