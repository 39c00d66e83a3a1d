import { assets, jobs } from '@darkroom/db/schema';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { CMYK_PHOTO_CHILD, iou } from '../../packages/media/src/classifier/test-faces.js';
import { fixture } from '../support/images.js';
import { waitFor } from '../support/services.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/** Faces at ingest (docs/api.md, the asset's `faces`): searched once, on the whole image as displayed. */
const harness = setupHarness();
const tenant = setupTenant(harness, 'faces');

describe('faces at ingest', () => {
  it('stores the faces of the whole image with the render, and shows them on the asset', async () => {
    const { asset: queued } = await tenant.client.uploadFile(fixture('Channel_digital_image_CMYK_color.jpg'), 'image/jpeg');
    expect(queued.faces).toBeNull();
    const asset = await tenant.client.waitForAsset(queued.id);
    expect(asset.status).toBe('ready');
    expect(asset.faces).toHaveLength(1);
    const [face] = asset.faces!;
    expect(iou(face!, CMYK_PHOTO_CHILD)).toBeGreaterThan(0.5);
    expect(face!.score).toBeGreaterThan(0.4);
    expect(face!.score).toBeLessThanOrEqual(1);
    // The event that announced it ready carries them too.
    const [ready] = await tenant.client.feed({ assetId: asset.id, type: 'asset.ready' });
    expect(ready?.data.asset.faces).toEqual(asset.faces);
  });

  it('records a search that found nothing as [] (searched), on the image as displayed', async () => {
    const { asset: queued } = await tenant.client.uploadFile(fixture('Landscape_6.jpg'), 'image/jpeg');
    const asset = await tenant.client.waitForAsset(queued.id);
    expect(asset.status).toBe('ready');
    expect(asset.faces).toEqual([]);
  });

  it('never searches again once faces are known: a re-render keeps them as they are', async () => {
    const { asset: queued } = await tenant.client.uploadFile(fixture('Landscape_1.jpg'), 'image/jpeg');
    const ready = await tenant.client.waitForAsset(queued.id);
    expect(ready.faces).toEqual([]);
    // A box no detector would find in a landscape: a new search would drop it.
    const known = [{ x: 0.1, y: 0.1, width: 0.2, height: 0.3, score: 1 }];
    await harness.api.db.update(assets).set({ faces: known }).where(eq(assets.id, ready.id));
    const patched = await tenant.client.request('PATCH', `/v1/assets/${ready.id}`, { focus: { x: 0.2, y: 0.2 } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    await waitFor('the re-render after the focus change', async () => {
      const [job] = await harness.api.db
        .select()
        .from(jobs)
        .where(and(eq(jobs.assetId, ready.id), eq(jobs.kind, 'reprocess')));
      return job?.state === 'completed' ? job : null;
    });
    const after = await tenant.client.request('GET', `/v1/assets/${ready.id}`);
    expect(after.body).toMatchObject({ revision: 2, faces: known });
  });
});
