import { readFile } from 'node:fs/promises';
import { assetRecordKey } from '@darkroom/core/keys';
import { AssetSidecar } from '@darkroom/db/records/asset-record';
import { getAsset } from '@darkroom/db/queries/assets';
import { parseRecord } from '@darkroom/db/records/codec';
import { describe, expect, it } from 'vitest';
import { holdFirstCall } from '../support/hold.js';
import { fixture } from '../support/images.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * The record beside an original (what `npm run recover` rebuilds a row from) always ends with the
 * row's visibility, however two changes race: each is written under the row's lock. Before, a
 * change to public whose record PUT was slow landed after a later change to private: the row
 * private, the bucket's record public, and a rebuild brought the asset back public.
 */
const harness = setupHarness();
const t = setupTenant(harness, 'visibility-record');

async function recordedVisibility(assetId: string): Promise<string | undefined> {
  const bytes = await harness.api.storage.getBytes({ bucket: harness.api.config.storage.bucket, key: assetRecordKey(t.tenantId, assetId) });
  return parseRecord(AssetSidecar, bytes.toString('utf8'))?.asset.visibility;
}

describe('the bucket’s record of a visibility', () => {
  it('is the row’s when a change to public is slow to write and a change to private follows it', async () => {
    const jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
    const { asset } = await t.client.uploadAndComplete(jpeg, { filename: 'r.jpg', contentType: 'image/jpeg', visibility: 'private' });
    expect((await t.client.waitForAsset(asset.id)).status).toBe('ready');

    const record = assetRecordKey(t.tenantId, asset.id);
    const held = holdFirstCall(harness.api.storage, 'putObject', (options) => options.key === record);
    try {
      const toPublic = t.client.request('PATCH', `/v1/assets/${asset.id}`, { visibility: 'public' });
      await held.reached;
      const toPrivate = t.client.request('PATCH', `/v1/assets/${asset.id}`, { visibility: 'private' });
      // The later change's every chance to write its record first.
      await Promise.race([toPrivate, new Promise((resolve) => setTimeout(resolve, 2000))]);
      held.release();
      expect((await toPublic).status).toBe(200);
      expect((await toPrivate).status).toBe(200);
    } finally {
      held.release();
      held.restore();
    }
    expect((await getAsset(harness.api.db, { id: asset.id }))?.visibility).toBe('private');
    expect(await recordedVisibility(asset.id)).toBe('private');
  });
});
