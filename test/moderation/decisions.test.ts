import { readFile } from 'node:fs/promises';
import { getAsset, markAssetDeleting } from '@darkroom/db/queries/assets';
import { addBlocklistEntries, deleteBlocklistEntry, listBlocklistEntries } from '@darkroom/db/queries/blocklist';
import { assets, jobs } from '@darkroom/db/schema';
import { phashText } from '@darkroom/core/contract/moderation';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { fixture } from '../support/images.js';
import { decideOnAsset } from '../../apps/api/src/services/moderation/decisions.js';
import { heldPhoto, holdAsset, randomHash, readyPhoto } from '../support/moderation.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * `POST /v1/assets/:id/moderation` and `POST /v1/admin/assets/:id/moderation` (docs/api.md#decisions):
 * who may decide what, from which status, and what a decision leaves behind.
 */
const harness = setupHarness();
const t = setupTenant(harness, 'moderation-decisions');
const other = setupTenant(harness, 'moderation-decisions-other');

const decide = (id: string, body: { decision: 'approve' | 'reject'; reason?: string; block?: boolean }) =>
  t.client.request('POST', `/v1/assets/${id}/moderation`, body);
const adminDecide = (id: string, body: { decision: 'approve' | 'reject'; reason?: string }) =>
  harness.admin.request('POST', `/v1/admin/assets/${id}/moderation`, body);

describe('a held asset', () => {
  it('is approved by its tenant: ready, decided by the tenant, with asset.approved then asset.ready', async () => {
    const asset = await heldPhoto(harness, t.client);
    const res = await decide(asset.id, { decision: 'approve', reason: 'fine' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'ready', moderation: { state: 'approved', decidedBy: 'tenant', reason: 'fine' } });
    const types = (await t.client.feed({ assetId: asset.id })).map((e) => e.type);
    expect(types.slice(-2)).toEqual(['asset.approved', 'asset.ready']);
  });

  it('is rejected with block: content_rejected naming the decision, its hashes on the tenant list', async () => {
    const asset = await heldPhoto(harness, t.client);
    const hashes = [randomHash(), randomHash()];
    await holdAsset(harness, asset.id, { findings: [{ check: 'review', label: null, score: null }], hashes });
    const res = await decide(asset.id, { decision: 'reject', reason: 'spam', block: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'rejected', variants: [], moderation: { state: 'rejected', decidedBy: 'tenant', reason: 'spam' } });
    expect(res.body.error).toEqual({ code: 'content_rejected', message: expect.stringMatching(/rejected by review/) });
    const list = await listBlocklistEntries(harness.api.db, { tenantId: t.tenantId, limit: 100 });
    const blocked = list.items.filter((e) => e.assetId === asset.id);
    expect(blocked.map((e) => e.hash).sort()).toEqual([...hashes].sort());
    expect(blocked.every((e) => e.reason === 'spam')).toBe(true);
  });

  it("held by the deployment's blocklist is an admin's to decide: 403 to the tenant, 200 to an admin", async () => {
    const [entry] = await addBlocklistEntries(harness.api.db, { tenantId: null, entries: [{ hash: randomHash(), reason: 'test', assetId: null }] });
    try {
      const asset = await heldPhoto(harness, t.client, [{ check: 'blocklist', label: `blocklist:${entry!.id}`, score: null }]);
      const refused = await decide(asset.id, { decision: 'approve' });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
      const approved = await adminDecide(asset.id, { decision: 'approve' });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      expect(approved.body.moderation).toMatchObject({ state: 'approved', decidedBy: 'admin' });
    } finally {
      await deleteBlocklistEntry(harness.api.db, { tenantId: null, id: entry!.id });
    }
  });

  it("held by the tenant's own blocklist is the tenant's to decide", async () => {
    const [entry] = await addBlocklistEntries(harness.api.db, {
      tenantId: t.tenantId,
      entries: [{ hash: randomHash(), reason: null, assetId: null }],
    });
    const asset = await heldPhoto(harness, t.client, [{ check: 'blocklist', label: `blocklist:${entry!.id}`, score: null }]);
    expect((await decide(asset.id, { decision: 'reject' })).status).toBe(200);
  });

  it('shows private links to its tenant key, none to an upload token, which sees only malware findings', async () => {
    const token = await t.client.withUploadToken();
    const jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
    const { asset } = await token.uploadAndComplete(jpeg, { filename: 'mine.jpg', contentType: 'image/jpeg' });
    const ready = await t.client.waitForAsset(asset.id);
    expect(ready.status, JSON.stringify(ready)).toBe('ready');
    const findings = [
      { check: 'malware' as const, label: 'too_large_to_scan', score: null },
      { check: 'classifier' as const, label: 'explicit', score: 0.9 },
    ];
    await holdAsset(harness, asset.id, { findings });
    const byKey = (await t.client.request('GET', `/v1/assets/${asset.id}`)).body;
    expect(byKey.status).toBe('held');
    expect(byKey.variants.length).toBeGreaterThan(0);
    for (const v of byKey.variants) expect(v.url).toContain('/p/');
    expect(byKey.moderation.findings).toEqual(findings);
    const byToken = (await token.request('GET', `/v1/assets/${asset.id}`)).body;
    expect(byToken).toMatchObject({ status: 'held', variants: [], delivery: null, urlsExpireAt: null });
    expect(byToken.moderation.findings).toEqual([findings[0]]);
    expect((await token.request('POST', `/v1/assets/${asset.id}/moderation`, { decision: 'approve' })).status).toBe(403);
  });
});

it("refuses the console's original preview of a held or rejected asset", async () => {
  const asset = await heldPhoto(harness, t.client);
  const preview = () => harness.admin.raw('GET', `/admin/assets/${asset.id}/original-preview`);
  expect((await preview()).body.error).toMatchObject({ code: 'invalid_state', details: { status: 'held' } });
  expect((await decide(asset.id, { decision: 'reject' })).status).toBe(200);
  expect((await preview()).body.error).toMatchObject({ code: 'invalid_state', details: { status: 'rejected' } });
});

describe('a ready asset', () => {
  it('is taken down by a reject; approve of it is 409 invalid_state', async () => {
    const asset = await readyPhoto(t.client);
    const refused = await decide(asset.id, { decision: 'approve' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('invalid_state');
    const res = await decide(asset.id, { decision: 'reject', reason: 'takedown' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'rejected', moderation: { state: 'rejected', decidedBy: 'tenant' } });
    expect((await t.client.feed({ assetId: asset.id })).at(-1)?.type).toBe('asset.rejected');
  });
});

describe('refusals', () => {
  it('409 invalid_state for an asset neither held nor ready, and for a tenant undoing a rejection', async () => {
    const jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
    const { asset } = await t.client.upload(jpeg, { filename: 'waiting.jpg', contentType: 'image/jpeg' });
    const res = await decide(asset.id, { decision: 'reject' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'invalid_state', details: { status: 'awaiting_upload' } });
    const rejected = await readyPhoto(t.client);
    expect((await decide(rejected.id, { decision: 'reject' })).status).toBe(200);
    expect((await decide(rejected.id, { decision: 'approve' })).status).toBe(409);
  });

  it("404 for another tenant's asset, from the tenant's route; block without reject is 400", async () => {
    const theirs = await heldPhoto(harness, other.client);
    expect((await decide(theirs.id, { decision: 'reject' })).status).toBe(404);
    expect((await decide('not-a-uuid', { decision: 'reject' })).status).toBe(404);
    expect((await other.client.request('POST', `/v1/assets/${theirs.id}/moderation`, { decision: 'approve', block: true })).status).toBe(400);
  });

  it('404 for an asset deleted between its read and the decision, never its internal status', async () => {
    const asset = await heldPhoto(harness, t.client);
    const read = (await getAsset(harness.api.db, { id: asset.id }))!;
    await markAssetDeleting(harness.api.db, { id: asset.id });
    for (const [by, decision] of [
      ['tenant', 'reject'],
      ['admin', 'approve'],
    ] as const) {
      const refused = await decideOnAsset(harness.api, harness.app.log, { asset: read, by, body: { decision } }).catch((error: unknown) => error);
      expect(refused, `${by} ${decision}`).toMatchObject({ code: 'not_found' });
    }
    const restoring = { ...read, status: 'rejected' as const };
    const refused = await decideOnAsset(harness.api, harness.app.log, { asset: restoring, by: 'admin', body: { decision: 'approve' } }).catch(
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ code: 'not_found' });
  });

  it('decides once: a second approve of a held asset whose approval is moving it is 409, with one asset.approved', async () => {
    const asset = await heldPhoto(harness, t.client);
    // As the checks leave a held public asset: its objects in the private place, to move at its approval.
    await harness.api.db.update(assets).set({ objectsVisibility: 'private' }).where(eq(assets.id, asset.id));
    const answers = await Promise.all([decide(asset.id, { decision: 'approve' }), decide(asset.id, { decision: 'approve' })]);
    expect(answers.map((res) => res.status).sort()).toEqual([200, 409]);
    const refused = answers.find((res) => res.status === 409)!;
    expect(refused.body.error).toMatchObject({ code: 'invalid_state', details: { decision: 'approve' } });
    const types = (await t.client.feed({ assetId: asset.id })).map((e) => e.type);
    expect(types.filter((type) => type === 'asset.approved')).toHaveLength(1);
  });

  it('reject with block of an asset without hashes is 409, and rejects nothing', async () => {
    const asset = await heldPhoto(harness, t.client);
    await holdAsset(harness, asset.id, { findings: [], hashes: null });
    const res = await decide(asset.id, { decision: 'reject', block: true });
    expect(res.status).toBe(409);
    expect((await getAsset(harness.api.db, { id: asset.id }))?.status).toBe('held');
  });
});

describe("an admin's approve of a rejected asset", () => {
  it('restores it while its original is kept: queued with a process job, decided by the admin', async () => {
    const asset = await readyPhoto(t.client);
    expect((await decide(asset.id, { decision: 'reject' })).status).toBe(200);
    const res = await adminDecide(asset.id, { decision: 'approve', reason: 'appeal' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ error: null, moderation: { state: 'approved', decidedBy: 'admin', reason: 'appeal' } });
    const open = await harness.api.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.assetId, asset.id), eq(jobs.kind, 'process')));
    expect(open.length).toBeGreaterThanOrEqual(2);
    const types = (await t.client.feed({ assetId: asset.id })).map((e) => e.type);
    expect(types).toContain('asset.approved');
  });

  it('is 409 once the quarantine has deleted its original', async () => {
    const asset = await readyPhoto(t.client);
    expect((await decide(asset.id, { decision: 'reject' })).status).toBe(200);
    await harness.api.db.update(assets).set({ quarantinedAt: new Date(), purgedAt: new Date() }).where(eq(assets.id, asset.id));
    const res = await adminDecide(asset.id, { decision: 'approve' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('invalid_state');
  });

  it('is 404 for an unknown id', async () => {
    expect((await adminDecide('0190a1b2-0000-7000-8000-000000000000', { decision: 'approve' })).status).toBe(404);
  });
});

it('lists a blocked hash as the API writes hashes', async () => {
  const hash = randomHash();
  const [entry] = await addBlocklistEntries(harness.api.db, { tenantId: t.tenantId, entries: [{ hash, reason: null, assetId: null }] });
  const page = (await t.client.request('GET', '/v1/blocklist?limit=100')).body;
  expect(page.items.find((e) => e.id === entry!.id)?.hash).toBe(phashText(hash));
});
