import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApi } from '../support/client.js';
import { startSecondApi, type SecondApi } from '../support/harness.js';
import { spec, writePresetsFile } from '../support/presets.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * Tenant settings (spec: api-platform.md, "Tenant settings") through the real admin routes, with two
 * API processes of one deployment: a change made through one holds on the other's next request.
 */
/** Both processes' settings: the presets file of the tenants' default preset. */
let env: Record<string, string>;
const harness = setupHarness(async () => {
  env = { PRESETS_FILE: await writePresetsFile({ square: [spec('sq', 'cover', 100)] }) };
  return { withWorker: false, env };
});
let other: SecondApi;

beforeAll(async () => {
  other = await startSecondApi(harness, env);
});
afterAll(() => other?.close());

const start = (client: TestApi, contentType: string, size: number, preset?: string) =>
  client.request('POST', '/v1/uploads', { filename: 'x', contentType, size, ...(preset ? { preset } : {}) });

async function tenantWith(settings: Record<string, unknown>) {
  const res = await harness.admin.request('POST', '/v1/admin/tenants', { name: 'settings', ...settings });
  expect(res.status).toBe(201);
  return { tenant: res.body.tenant, client: harness.admin.withToken(res.body.apiKey), viaOther: new TestApi(other.baseUrl, res.body.apiKey) };
}

describe('tenant settings', () => {
  it('are stored as sent, shown to the admin and to the tenant itself', async () => {
    const settings = { acceptedContentTypes: ['image/png'], maxUploadBytes: 5000, defaultPreset: 'square', rateLimitPerMinute: 500 };
    const { tenant, client } = await tenantWith(settings);
    expect(tenant).toMatchObject({ name: 'settings', ...settings });
    expect((await harness.admin.request('GET', `/v1/admin/tenants/${tenant.id}`)).body).toEqual({ tenant });
    expect((await client.request('GET', '/v1/tenant')).body).toEqual({ tenant });

    const plain = await tenantWith({});
    expect(plain.tenant).toMatchObject({ acceptedContentTypes: null, maxUploadBytes: null, defaultPreset: null, rateLimitPerMinute: null });
  });

  it('are enforced on uploads: accepted types, size limit and default preset', async () => {
    const { client } = await tenantWith({ acceptedContentTypes: ['image/png'], maxUploadBytes: 5000, defaultPreset: 'square' });
    const jpeg = await start(client, 'image/jpeg', 100);
    expect(jpeg.status).toBe(415);
    expect(jpeg.body.error).toMatchObject({ code: 'unsupported_media_type', details: { accepted: ['image/png'] } });
    const big = await start(client, 'image/png', 5001);
    expect(big.status).toBe(413);
    expect(big.body.error).toMatchObject({ code: 'file_too_large', details: { maxBytes: 5000 } });
    const ok = await start(client, 'image/png', 5000);
    expect(ok.status).toBe(201);
    expect(ok.body.asset.preset).toBe('square');
    // A preset named in the request still wins over the tenant's default.
    expect((await start(client, 'image/png', 10, 'default')).body.asset.preset).toBe('default');
  });

  it('changed through one API process apply on the next request to another, and null restores the default', async () => {
    const { tenant, client, viaOther } = await tenantWith({});
    expect((await start(viaOther, 'image/jpeg', 100)).status).toBe(201); // cached there with the defaults
    const patched = await harness.admin.request('PATCH', `/v1/admin/tenants/${tenant.id}`, {
      acceptedContentTypes: ['image/webp'],
      maxUploadBytes: 50,
    });
    expect(patched.status).toBe(200);
    expect(patched.body.tenant).toMatchObject({ name: 'settings', acceptedContentTypes: ['image/webp'], maxUploadBytes: 50 });
    expect((await start(viaOther, 'image/jpeg', 10)).status).toBe(415);
    expect((await start(viaOther, 'image/webp', 51)).status).toBe(413);
    expect((await viaOther.request('GET', '/v1/tenant')).body.tenant.maxUploadBytes).toBe(50);

    const reset = await harness.admin.request('PATCH', `/v1/admin/tenants/${tenant.id}`, {
      acceptedContentTypes: null,
      maxUploadBytes: null,
      name: 'renamed',
    });
    expect(reset.body.tenant).toMatchObject({ name: 'renamed', acceptedContentTypes: null, maxUploadBytes: null });
    expect((await start(viaOther, 'image/jpeg', 1000)).status).toBe(201);
    expect((await start(client, 'image/jpeg', 1000)).status).toBe(201);
  });

  it('refuses bad settings with clear codes and unknown tenants with 404', async () => {
    const bad = [
      { acceptedContentTypes: ['image/svg+xml'] },
      { acceptedContentTypes: [] },
      { maxUploadBytes: 0 },
      { maxUploadBytes: 1.5 },
      { rateLimitPerMinute: -1 },
      { unknownField: true },
    ];
    for (const body of bad) {
      const res = await harness.admin.raw('POST', '/v1/admin/tenants', { name: 'bad', ...body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error?.code).toBe('invalid_request');
    }
    const noPreset = await harness.admin.request('POST', '/v1/admin/tenants', { name: 'bad', defaultPreset: 'nope' });
    expect(noPreset.status).toBe(404);
    expect(noPreset.body.error?.code).toBe('preset_not_found');

    const { tenant, client } = await tenantWith({});
    expect((await harness.admin.raw('PATCH', `/v1/admin/tenants/${tenant.id}`, { id: 'x' })).status).toBe(400);
    expect((await harness.admin.request('PATCH', `/v1/admin/tenants/${tenant.id}`, { defaultPreset: 'nope' })).status).toBe(404);
    for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      expect((await harness.admin.request('GET', `/v1/admin/tenants/${id}`)).status).toBe(404);
      expect((await harness.admin.request('PATCH', `/v1/admin/tenants/${id}`, { name: 'x' })).status).toBe(404);
    }
    // Tenant keys cannot read or change settings through the admin routes.
    expect((await client.request('GET', `/v1/admin/tenants/${tenant.id}`)).status).toBe(403);
    expect((await client.request('PATCH', `/v1/admin/tenants/${tenant.id}`, { maxUploadBytes: 10 ** 12 })).status).toBe(403);
    expect((await harness.admin.request('GET', '/v1/tenant')).status).toBe(403);
  });
});
