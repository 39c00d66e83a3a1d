import { readFile } from 'node:fs/promises';
import { DarkroomClient as Client, DarkroomError } from '@darkroom/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/images.js';
import { setupHarness } from '../support/setup-harness.js';

const harness = setupHarness({ withWorker: false });
let apiKey: string;
let admin: Client;
let smallJpeg: Uint8Array;

beforeAll(async () => {
  // The worker starts later in the tests that need an asset to stay queued first.
  apiKey = (await harness.admin.createTenant('client-live')).apiKey;
  admin = new Client({ baseUrl: harness.baseUrl, token: harness.adminToken });
  smallJpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
});

/** fetch that records each URL it is asked for, and refuses the live stream when `refuseStream` is set. */
function recordingFetch(refuseStream?: 'no-answer' | 503) {
  const urls: string[] = [];
  const fetchImpl = async (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    urls.push(url);
    if (refuseStream && url.endsWith('/events')) {
      if (refuseStream === 'no-answer') throw new TypeError('fetch failed');
      return new Response(JSON.stringify({ error: { code: 'service_unavailable', message: 'busy' } }), { status: 503 });
    }
    return fetch(input, init);
  };
  return { urls, fetch: fetchImpl as typeof fetch };
}

async function queuedAsset(client: Client) {
  return client.upload(smallJpeg, { filename: 'a.jpg', contentType: 'image/jpeg', wait: false });
}

describe('waitUntilReady', () => {
  it('follows the live stream from queued to ready, without polling', async () => {
    const recorded = recordingFetch();
    const client = new Client({ baseUrl: harness.baseUrl, token: apiKey, fetch: recorded.fetch });
    const asset = await queuedAsset(client);
    const statuses: string[] = [];
    const waiting = client.waitUntilReady(asset.id, { onProgress: (p) => statuses.push(p.asset.status) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    harness.startWorker();
    const ready = await waiting;
    expect(ready.status).toBe('ready');
    expect(statuses[0]).toBe('queued');
    expect(statuses.at(-1)).toBe('ready');
    expect(recorded.urls.filter((url) => url.endsWith(`/v1/assets/${asset.id}/events`))).toHaveLength(1);
    expect(recorded.urls.filter((url) => url.endsWith(`/v1/assets/${asset.id}`))).toHaveLength(0);
  });

  for (const refusal of ['no-answer', 503] as const) {
    it(`polls GET /v1/assets/:id when the stream cannot open (${refusal})`, async () => {
      harness.startWorker();
      const recorded = recordingFetch(refusal);
      const client = new Client({ baseUrl: harness.baseUrl, token: apiKey, fetch: recorded.fetch, retry: { retries: 0 } });
      const asset = await queuedAsset(client);
      const ready = await client.waitUntilReady(asset.id);
      expect(ready.status).toBe('ready');
      expect(recorded.urls.filter((url) => url.endsWith(`/v1/assets/${asset.id}`)).length).toBeGreaterThan(0);
    });
  }

  it('throws not_found for an unknown asset, and timeout when the asset is not done in time', async () => {
    const client = new Client({ baseUrl: harness.baseUrl, token: apiKey });
    await expect(client.waitUntilReady('00000000-0000-7000-8000-000000000000')).rejects.toMatchObject({ code: 'not_found', status: 404 });
    const waiting = await client.upload(smallJpeg, { filename: 'w.jpg', contentType: 'image/jpeg', wait: false, preset: 'default' });
    // Still awaiting processing or not: a 1 ms limit cannot be met by a stream that has to open first.
    await expect(client.waitUntilReady(waiting.id, { timeoutMs: 1 })).rejects.toMatchObject({ code: 'timeout' });
  });
});

describe('DarkroomError', () => {
  it('carries the contract code, status and details of a refusal', async () => {
    const { tenant, apiKey: limitedKey } = await admin.tenants.create({ name: 'client-limited', maxUploadBytes: 1000 });
    expect(tenant.maxUploadBytes).toBe(1000);
    const limited = new Client({ baseUrl: harness.baseUrl, token: limitedKey });
    const error = await limited.upload(smallJpeg, { filename: 'a.jpg', contentType: 'image/jpeg' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DarkroomError);
    expect(error).toMatchObject({ code: 'file_too_large', status: 413, details: { maxBytes: 1000 } });
  });

  it('401 unauthorized for a bad token, 403 forbidden for a tenant key on an admin route', async () => {
    const stranger = new Client({ baseUrl: harness.baseUrl, token: 'dk_not-a-key' });
    await expect(stranger.assets.list()).rejects.toMatchObject({ code: 'unauthorized', status: 401 });
    const tenantClient = new Client({ baseUrl: harness.baseUrl, token: apiKey });
    await expect(tenantClient.tenants.create({ name: 'x' })).rejects.toMatchObject({ code: 'forbidden', status: 403 });
  });

  it('network_error when the API does not answer, after its retries', async () => {
    const nowhere = new Client({ baseUrl: 'http://127.0.0.1:9', token: apiKey, retry: { retries: 1, baseDelayMs: 1 } });
    await expect(nowhere.assets.get('x')).rejects.toMatchObject({ code: 'network_error', status: 0 });
  });
});

describe('backend routes', () => {
  it('tenants, keys, presets and assets, typed from the OpenAPI document', async () => {
    const { tenant, apiKey: key } = await admin.tenants.create({ name: 'client-backend' });
    const { apiKey: second, id: secondId } = await admin.tenants.createKey(tenant.id);
    const client = new Client({ baseUrl: harness.baseUrl, token: second });
    expect((await client.tenant()).tenant.id).toBe(tenant.id);
    const { preset } = await client.presets.put('square', {
      variants: [{ name: 'sq', fit: 'cover', width: 64, height: 64, format: 'webp', quality: 80 }],
    });
    expect(preset.owner).toBe('tenant');
    expect((await client.presets.list()).items.map((p) => p.name)).toContain('square');
    const asset = await client.upload(smallJpeg, { filename: 'p.jpg', contentType: 'image/jpeg', preset: 'square', wait: false });
    expect((await client.assets.list()).items.map((a) => a.id)).toContain(asset.id);
    await admin.keys.revoke(secondId);
    await expect(client.tenant()).rejects.toMatchObject({ code: 'unauthorized' });
    expect((await new Client({ baseUrl: harness.baseUrl, token: key }).tenant()).tenant.name).toBe('client-backend');
  });
});
