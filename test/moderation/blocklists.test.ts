import { assets } from '@darkroom/db/schema';
import { phashText } from '@darkroom/core/contract/moderation';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { randomHash, readyPhoto } from '../support/moderation.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/** `/v1/blocklist` (a tenant's list) and `/v1/admin/blocklist` (the deployment's): docs/api.md#blocklists. */
const harness = setupHarness();
const t = setupTenant(harness, 'blocklists');
const other = setupTenant(harness, 'blocklists-other');

const hashText = () => phashText(randomHash());

describe("a tenant's blocklist", () => {
  it('takes a hash, answers the same entry for it again, and pages oldest first', async () => {
    const posted = [hashText(), hashText(), hashText()];
    const ids: string[] = [];
    for (const hash of posted) {
      const res = await t.client.request('POST', '/v1/blocklist', { hash, reason: 'seen before' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.items).toEqual([{ id: expect.any(String), hash, reason: 'seen before', createdAt: expect.any(String), assetId: null }]);
      ids.push(res.body.items[0]!.id);
    }
    const again = await t.client.request('POST', '/v1/blocklist', { hash: posted[0]! });
    expect(again.body.items[0]!.id).toBe(ids[0]);
    const first = await t.client.request('GET', '/v1/blocklist?limit=2');
    expect(first.body.items.map((e) => e.id)).toEqual(ids.slice(0, 2));
    const second = await t.client.request('GET', `/v1/blocklist?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids[2] })], nextCursor: null });
    expect((await other.client.request('GET', '/v1/blocklist')).body.items).toEqual([]);
  });

  it("takes an asset's hashes; an asset without any yet is 409, another tenant's 404", async () => {
    const asset = await readyPhoto(t.client);
    // As an asset made before moderation, or under a policy with the blocklist off: no hashes taken.
    await harness.api.db.update(assets).set({ perceptualHashes: null }).where(eq(assets.id, asset.id));
    const none = await t.client.request('POST', '/v1/blocklist', { assetId: asset.id });
    expect(none.status).toBe(409);
    expect(none.body).toMatchObject({ error: { code: 'invalid_state' } });
    const hashes = [randomHash(), randomHash()];
    await harness.api.db.update(assets).set({ perceptualHashes: hashes }).where(eq(assets.id, asset.id));
    const res = await t.client.request('POST', '/v1/blocklist', { assetId: asset.id });
    expect(res.status).toBe(201);
    expect(res.body.items.map((e) => e.hash).sort()).toEqual(hashes.map(phashText).sort());
    expect(res.body.items.every((e) => e.assetId === asset.id)).toBe(true);
    expect((await other.client.request('POST', '/v1/blocklist', { assetId: asset.id })).status).toBe(404);
  });

  it('deletes its own entries only, and refuses a malformed hash', async () => {
    const { body } = await t.client.request('POST', '/v1/blocklist', { hash: hashText() });
    const id = body.items[0]!.id;
    expect((await other.client.request('DELETE', `/v1/blocklist/${id}`)).status).toBe(404);
    expect((await harness.admin.request('DELETE', `/v1/admin/blocklist/${id}`)).status).toBe(404);
    expect((await t.client.request('DELETE', `/v1/blocklist/${id}`)).status).toBe(204);
    expect((await t.client.request('DELETE', `/v1/blocklist/${id}`)).status).toBe(404);
    expect((await t.client.raw('POST', '/v1/blocklist', { hash: 'phash:XYZ' })).status).toBe(400);
    expect((await t.client.raw('POST', '/v1/blocklist', { hash: hashText(), assetId: 'x' })).status).toBe(400);
  });

  it('refuses upload tokens and admin tokens', async () => {
    const token = await t.client.withUploadToken();
    expect((await token.request('GET', '/v1/blocklist')).status).toBe(403);
    expect((await token.request('POST', '/v1/blocklist', { hash: hashText() })).status).toBe(403);
    expect((await harness.admin.request('GET', '/v1/blocklist')).status).toBe(403);
  });
});

describe("the deployment's blocklist", () => {
  it("is an admin's: add by hash or by any tenant's asset, list, delete", async () => {
    const hash = hashText();
    const added = await harness.admin.request('POST', '/v1/admin/blocklist', { hash, reason: 'known bad' });
    expect(added.status).toBe(201);
    const id = added.body.items[0]!.id;
    try {
      // Oldest first, and other files' entries may be on it: read it to the end.
      const listed: { id: string }[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await harness.admin.request(
          'GET',
          `/v1/admin/blocklist?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        );
        listed.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(listed.find((e) => e.id === id)).toMatchObject({ hash, reason: 'known bad' });
      // A tenant neither sees nor removes it.
      expect((await t.client.request('GET', '/v1/blocklist?limit=100')).body.items.some((e) => e.id === id)).toBe(false);
      expect((await t.client.request('DELETE', `/v1/blocklist/${id}`)).status).toBe(404);
      expect((await t.client.raw('GET', '/v1/admin/blocklist')).status).toBe(403);
    } finally {
      expect((await harness.admin.request('DELETE', `/v1/admin/blocklist/${id}`)).status).toBe(204);
    }
    const asset = await readyPhoto(other.client);
    const hashes = [randomHash()];
    await harness.api.db.update(assets).set({ perceptualHashes: hashes }).where(eq(assets.id, asset.id));
    const byAsset = await harness.admin.request('POST', '/v1/admin/blocklist', { assetId: asset.id });
    expect(byAsset.status).toBe(201);
    expect(byAsset.body.items).toEqual([expect.objectContaining({ hash: phashText(hashes[0]!), assetId: asset.id })]);
    await harness.admin.request('DELETE', `/v1/admin/blocklist/${byAsset.body.items[0]!.id}`);
  });
});
