import { assets, jobs } from '@darkroom/db/schema';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { iou, labelledFaces, PORTRAIT_PHOTO } from '../../packages/media/src/classifier/test-faces.js';
import { fixture } from '../support/images.js';
import { waitFor } from '../support/services.js';
import { facesSearched } from '../support/faces-on.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/** Faces at ingest (docs/api.md, the asset's `faces`): searched once, on the whole image as displayed. */
const harness = setupHarness({ env: facesSearched });
const tenant = setupTenant(harness, 'faces');

describe('faces at ingest', () => {
  it('stores the faces of the whole image with the render, and shows them on the asset', async () => {
    const { asset: queued } = await tenant.client.uploadFile(PORTRAIT_PHOTO, 'image/jpeg');
    expect(queued.faces).toBeNull();
    const asset = await tenant.client.waitForAsset(queued.id);
    expect(asset.status).toBe('ready');
    expect(asset.faces).toHaveLength(1);
    const [face] = asset.faces!;
    expect(iou(face!, labelledFaces(PORTRAIT_PHOTO)[0]!)).toBeGreaterThan(0.5);
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

describe('PATCH /v1/assets/:id { faces }', () => {
  it('replaces the faces by hand, largest first with score 1 unless given, at the next revision, rendering nothing again', async () => {
    const { asset: queued } = await tenant.client.uploadFile(PORTRAIT_PHOTO, 'image/jpeg');
    const ready = await tenant.client.waitForAsset(queued.id);
    const marked = [
      { x: 0.05, y: 0.1, width: 0.1, height: 0.1 },
      { x: 0.7, y: 0.6, width: 0.3, height: 0.4, score: 0.5 },
    ];
    const patched = await tenant.client.request('PATCH', `/v1/assets/${ready.id}`, { faces: marked });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const stored = [
      { x: 0.7, y: 0.6, width: 0.3, height: 0.4, score: 0.5 },
      { x: 0.05, y: 0.1, width: 0.1, height: 0.1, score: 1 },
    ];
    expect(patched.body).toMatchObject({ status: 'ready', revision: ready.revision + 1, faces: stored });
    expect((await tenant.client.request('GET', `/v1/assets/${ready.id}`)).body).toMatchObject({ faces: stored, revision: ready.revision + 1 });
    const [updated] = await tenant.client.feed({ assetId: ready.id, type: 'asset.updated' });
    expect(updated?.data.asset).toMatchObject({ faces: stored, revision: ready.revision + 1 });
    // Faces change no variant: no job.
    const jobRows = await harness.api.db.select().from(jobs).where(eq(jobs.assetId, ready.id));
    expect(jobRows.map((j) => j.kind)).toEqual(['process']);
    // The same faces again change nothing; [] and null are faces too.
    const again = await tenant.client.request('PATCH', `/v1/assets/${ready.id}`, { faces: stored });
    expect(again.body.revision).toBe(ready.revision + 1);
    const none = await tenant.client.request('PATCH', `/v1/assets/${ready.id}`, { faces: [] });
    expect(none.body).toMatchObject({ faces: [], revision: ready.revision + 2 });
    const unknown = await tenant.client.request('PATCH', `/v1/assets/${ready.id}`, { faces: null });
    expect(unknown.body).toMatchObject({ faces: null, revision: ready.revision + 3 });
  });

  it('refuses an upload token (403), boxes outside the image or empty, and more than 100 (400), and faces with visibility', async () => {
    const token = await tenant.client.withUploadToken();
    const { asset: queued } = await token.uploadFile(fixture('Landscape_1.jpg'), 'image/jpeg');
    const ready = await tenant.client.waitForAsset(queued.id);
    const face = { x: 0.1, y: 0.1, width: 0.2, height: 0.2 };
    const byToken = await token.request('PATCH', `/v1/assets/${ready.id}`, { faces: [face] });
    expect(byToken.status).toBe(403);
    expect(byToken.body.error.code).toBe('forbidden');
    const bad = [
      [{ ...face, x: 0.9 }],
      [{ ...face, height: 0 }],
      [{ ...face, y: -0.1 }],
      [{ ...face, score: 2 }],
      [{ ...face, label: 'me' }],
      Array.from({ length: 101 }, () => face),
    ];
    for (const faces of bad) {
      const res = await tenant.client.request('PATCH', `/v1/assets/${ready.id}`, { faces });
      expect(res.status, JSON.stringify(faces[0])).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    // A box to the edge, written in decimals, is inside.
    const edge = await tenant.client.request('PATCH', `/v1/assets/${ready.id}`, { faces: [{ x: 0.7, y: 0.7, width: 0.3, height: 0.3 }] });
    expect(edge.status, JSON.stringify(edge.body)).toBe(200);
    const withVisibility = await tenant.client.request('PATCH', `/v1/assets/${ready.id}`, { faces: [], visibility: 'private' });
    expect(withVisibility.status).toBe(400);
    expect((await tenant.client.request('GET', `/v1/assets/${ready.id}`)).body.faces).toEqual([
      { x: 0.7, y: 0.7, width: 0.3, height: 0.3, score: 1 },
    ]);
  });
});

describe('PATCH /v1/assets/:id racing another PATCH', () => {
  it('keeps a focus committed while a faces PATCH was under way, and the faces too', async () => {
    const { asset: queued } = await tenant.client.uploadFile(fixture('Landscape_1.jpg'), 'image/jpeg');
    const ready = await tenant.client.waitForAsset(queued.id);
    const db = harness.api.db;
    const realTransaction = db.transaction;
    let focused: Awaited<ReturnType<typeof tenant.client.request>> | undefined;
    // The faces PATCH has read the row and is about to write it: the focus PATCH runs whole in between.
    db.transaction = (async (...args: Parameters<typeof realTransaction>) => {
      db.transaction = realTransaction;
      focused = await tenant.client.request('PATCH', `/v1/assets/${ready.id}`, { focus: { x: 0.2, y: 0.8 } });
      return realTransaction.apply(db, args);
    }) as typeof realTransaction;
    const faces = [{ x: 0.1, y: 0.1, width: 0.2, height: 0.2, score: 1 }];
    const marked = await tenant.client.request('PATCH', `/v1/assets/${ready.id}`, { faces });
    expect(focused?.status, JSON.stringify(focused?.body)).toBe(200);
    expect(marked.status, JSON.stringify(marked.body)).toBe(200);
    const expected = { focus: { x: 0.2, y: 0.8 }, faces, revision: ready.revision + 2 };
    expect(marked.body).toMatchObject(expected);
    expect((await tenant.client.request('GET', `/v1/assets/${ready.id}`)).body).toMatchObject(expected);
  });
});
