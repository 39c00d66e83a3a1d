import { readFile } from 'node:fs/promises';
import { PRESETS, presetStaleScope, type VariantSpec } from '@darkroom/core/presets';
import { countStaleVariants, findStaleAssets } from '@darkroom/db/queries/variants';
import { jobs, variants } from '@darkroom/db/schema';
import { and, asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../support/client.js';
import { createTestTenant } from '../support/fixtures.js';
import { fetchVariant, fixture } from '../support/images.js';
import { waitFor } from '../support/services.js';
import { setupHarness } from '../support/setup-harness.js';

/** Tenant presets (spec: api-platform.md, "Tenant presets") through the real pipeline. */
const harness = setupHarness();
let mine: TestApi;
let theirs: TestApi;
let jpeg: Uint8Array;

const spec = (name: string, width: number, quality = 70): VariantSpec => ({ name, fit: 'cover', width, height: width, format: 'webp', quality });

beforeAll(async () => {
  ({ client: mine } = await createTestTenant(harness, 'presets-mine'));
  ({ client: theirs } = await createTestTenant(harness, 'presets-theirs'));
  jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
});

const variantRows = (assetId: string) => harness.api.db.select().from(variants).where(eq(variants.assetId, assetId)).orderBy(asc(variants.name));

async function readyUpload(client: TestApi, preset?: string) {
  const { asset } = await client.uploadAndComplete(jpeg, { filename: 'p.jpg', contentType: 'image/jpeg', ...(preset ? { preset } : {}) });
  const ready = await client.waitForAsset(asset.id);
  expect(ready.status).toBe('ready');
  return ready;
}

describe('tenant presets', () => {
  it('list the global presets, then the tenant’s own shadowing one for that tenant only', async () => {
    const before = await mine.request('GET', '/v1/presets');
    expect(before.status).toBe(200);
    const globalDefault = before.body.items.find((p: { name: string }) => p.name === 'default');
    expect(globalDefault).toMatchObject({ owner: 'global', specHash: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(globalDefault?.variants.map((v: { name: string }) => v.name)).toEqual([
      'thumb',
      'small',
      'medium',
      'large',
      '720p',
      'stream',
      'storyboard',
      'podcast',
      'waveform',
    ]);

    const put = await mine.request('PUT', '/v1/presets/default', { variants: [spec('tiny', 64), spec('card', 128)] });
    expect(put.status).toBe(200);
    expect(put.body.preset).toMatchObject({ name: 'default', owner: 'tenant', variants: [spec('tiny', 64), spec('card', 128)] });
    expect(put.body.preset.specHash).not.toBe(globalDefault?.specHash);
    const after = await mine.request('GET', '/v1/presets');
    expect(after.body.items.filter((p: { name: string }) => p.name === 'default')).toEqual([put.body.preset]);
    expect((await theirs.request('GET', '/v1/presets')).body.items).toEqual(before.body.items);
  });

  it('render with the tenant’s own sizes and change no other tenant', async () => {
    const own = await readyUpload(mine);
    expect(own.variants.map((v: { name: string; width: number }) => [v.name, v.width])).toEqual([
      ['tiny', 64],
      ['card', 128],
    ]);
    const fetched = await fetchVariant(own.variants[0]!.url);
    expect([fetched.meta.width, fetched.meta.height]).toEqual([64, 64]);
    const other = await readyUpload(theirs);
    expect(other.variants.map((v: { name: string }) => v.name)).toEqual(['thumb', 'small', 'medium', 'large']);
  });

  it('refuse bad presets with 400 invalid_request naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ variants: [] }, 'variants'],
      [{ variants: Array.from({ length: 11 }, (_, i) => spec(`v${i}`, 64)) }, 'variants'],
      [{ variants: [spec('a', 64), spec('a', 128)] }, 'unique'],
      [{ variants: [spec('a', 15)] }, 'variants.0.width'],
      [{ variants: [{ ...spec('a', 64), height: 8193 }] }, 'variants.0.height'],
      [{ variants: [spec('a', 64, 0)] }, 'variants.0.quality'],
      [{ variants: [spec('a', 64, 101)] }, 'variants.0.quality'],
      [{ variants: [{ ...spec('a', 64), quality: 'auto-great' }] }, 'variants.0.quality'],
      [{ variants: [{ ...spec('a', 64), quality: 'AUTO' }] }, 'variants.0.quality'],
      [{ variants: [spec('a', 64), { ...spec('b', 64), quality: 'auto:good' }] }, 'variants.1.quality'],
      // A video rendition has no search: its quality stays a number.
      [{ variants: [{ ...spec('a', 64), format: 'mp4', quality: 'auto' }] }, 'variants.0.quality'],
      [{ variants: [{ ...spec('a', 64), fit: 'fill' }] }, 'variants.0.fit'],
      [{ variants: [{ ...spec('a', 64), format: 'gif' }] }, 'variants.0.format'],
      [{ variants: [{ ...spec('A/..', 64) }] }, 'variants.0.name'],
      [{ variants: [spec('a', 64)], owner: 'global' }, 'owner'],
    ];
    for (const [body, field] of cases) {
      const res = await mine.raw('PUT', '/v1/presets/custom', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error?.code).toBe('invalid_request');
      expect(res.body.error?.message, JSON.stringify(body)).toContain(field);
    }
    expect((await mine.request('PUT', '/v1/presets/Bad%20Name', { variants: [spec('a', 64)] })).status).toBe(400);
  });

  it('take the q_auto words as an image variant’s quality, and say which words a bad one may be', async () => {
    const words = ['auto', 'auto-eco', 'auto-good', 'auto-best'] as const;
    const body = {
      variants: words.map((quality, i) => ({ name: `q${i}`, fit: 'cover' as const, width: 64, height: 64, format: 'webp' as const, quality })),
    };
    const put = await mine.request('PUT', '/v1/presets/searched', body);
    expect(put.status).toBe(200);
    expect(put.body.preset.variants).toEqual(body.variants);
    const bad = await mine.raw('PUT', '/v1/presets/searched', { variants: [{ ...spec('a', 64), quality: 'auto-great' }] });
    expect(bad.body.error?.message).toMatch(/variants\.0\.quality.*1 to 100, or one of auto, auto-eco, auto-good, auto-best/);
  });

  it('delete only the tenant’s own: 404 for a global or unknown name; assets keep their variants', async () => {
    const { client } = await createTestTenant(harness, 'presets-delete');
    expect((await client.request('DELETE', '/v1/presets/default')).status).toBe(404);
    expect((await client.request('DELETE', '/v1/presets/nope')).status).toBe(404);
    expect((await client.request('PUT', '/v1/presets/avatar', { variants: [spec('face', 96)] })).status).toBe(200);
    const asset = await readyUpload(client, 'avatar');
    expect((await client.request('DELETE', '/v1/presets/avatar')).status).toBe(204);
    expect((await client.request('DELETE', '/v1/presets/avatar')).status).toBe(404);
    expect((await client.request('GET', `/v1/assets/${asset.id}`)).body.variants).toEqual(asset.variants);
    const refused = await client.request('POST', '/v1/uploads', { filename: 'x.jpg', contentType: 'image/jpeg', size: 10, preset: 'avatar' });
    expect(refused.body.error?.code).toBe('preset_not_found');
  });

  it('cap a tenant at 20 presets of its own', async () => {
    const { client } = await createTestTenant(harness, 'presets-cap');
    for (let i = 0; i < 20; i++) expect((await client.request('PUT', `/v1/presets/p${i}`, { variants: [spec('a', 64)] })).status).toBe(200);
    const full = await client.request('PUT', '/v1/presets/p20', { variants: [spec('a', 64)] });
    expect(full.status).toBe(409);
    expect(full.body.error?.code).toBe('invalid_state');
    expect((await client.request('PUT', '/v1/presets/p3', { variants: [spec('b', 64)] })).status).toBe(200); // replacing is fine
  });
});

describe('POST /v1/presets/:name/backfill', () => {
  it('re-renders only the stale variants of this tenant’s assets', async () => {
    const { client, tenantId } = await createTestTenant(harness, 'presets-backfill');
    expect((await client.request('PUT', '/v1/presets/cards', { variants: [spec('keep', 64), spec('change', 96)] })).status).toBe(200);
    const assets = [await readyUpload(client, 'cards'), await readyUpload(client, 'cards')];
    const before = await variantRows(assets[0]!.id);
    // Another tenant with a preset of the same name: never touched by this backfill.
    const other = await createTestTenant(harness, 'presets-backfill-other');
    await other.client.request('PUT', '/v1/presets/cards', { variants: [spec('keep', 64)] });
    const otherAsset = await readyUpload(other.client, 'cards');

    expect((await client.request('PUT', '/v1/presets/cards', { variants: [spec('keep', 64), spec('change', 96, 40)] })).status).toBe(200);
    const dry = await client.request('POST', '/v1/presets/cards/backfill', { dryRun: true });
    expect(dry.status).toBe(202);
    expect(dry.body).toEqual({ matched: 2, queued: 0 });
    const run = await client.request('POST', '/v1/presets/cards/backfill', {});
    expect(run.body).toEqual({ matched: 2, queued: 2 });

    await waitFor('the backfill jobs to finish', async () => {
      const rows = await harness.api.db
        .select()
        .from(jobs)
        .where(and(eq(jobs.tenantId, tenantId), eq(jobs.kind, 'backfill')));
      return rows.length === 2 && rows.every((j) => j.state === 'completed');
    });
    const after = await variantRows(assets[0]!.id);
    const byName = (rows: typeof before) => Object.fromEntries(rows.map((r) => [r.name, r.key]));
    expect(byName(after).keep).toBe(byName(before).keep);
    expect(byName(after).change).not.toBe(byName(before).change);
    expect((await client.request('POST', '/v1/presets/cards/backfill', { dryRun: true })).body).toEqual({ matched: 0, queued: 0 });
    const otherJobs = await harness.api.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.assetId, otherAsset.id), eq(jobs.kind, 'backfill')));
    expect(otherJobs).toEqual([]);
    expect((await client.request('POST', '/v1/presets/nope/backfill', {})).body.error?.code).toBe('preset_not_found');
  });

  it('an admin backfill of a global preset leaves tenants that shadow it alone', async () => {
    const tenantId = (await mine.request('GET', '/v1/tenant')).body.tenant.id;
    const globalSpec = { preset: 'default', ...presetStaleScope(PRESETS.default!) };
    // By the global spec, this tenant's assets of "default" (rendered with its own sizes) are stale...
    expect((await countStaleVariants(harness.api.db, { ...globalSpec, tenantId })).matched).toBeGreaterThan(0);
    // ...but it shadows "default", so the deployment-wide scan an admin backfill runs never picks them.
    const scanned = await findStaleAssets(harness.api.db, { ...globalSpec, limit: 100_000 });
    expect(scanned.filter((a) => a.tenantId === tenantId)).toEqual([]);
  });
});
