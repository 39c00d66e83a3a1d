import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getImage, imagePath, startDelivery, type DeliveryServer } from '../support/delivery.js';
import { fixture } from '../support/images.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/** `delivery_requests` and `delivery_bytes`: one request per answer, the body bytes the client read, by the asset's tenant. */
const harness = setupHarness();
const tenant = setupTenant(harness, 'delivery-usage');
let server: DeliveryServer;
let photoId: string;

beforeAll(async () => {
  const { asset } = await tenant.client.uploadAndComplete(new Uint8Array(await readFile(fixture('jolla.jpg'))), {
    filename: 'jolla.jpg',
    contentType: 'image/jpeg',
  });
  expect((await tenant.client.waitForAsset(asset.id, 120_000)).status).toBe('ready');
  photoId = asset.id;
  server = await startDelivery(harness, { USAGE_FLUSH_SECONDS: '300' });
});
afterAll(() => server?.close());

/** The tenant's delivery meters as flushed so far (null: the deployment's). */
async function meters(tenantId: string | null): Promise<{ requests: number; bytes: number }> {
  const owner = tenantId === null ? sql`tenant_id is null` : sql`tenant_id = ${tenantId}`;
  const [row] = await harness.api.db.execute<{ requests: string | null; bytes: string | null }>(sql`
    select sum(amount) filter (where meter = 'delivery_requests') as requests, sum(amount) filter (where meter = 'delivery_bytes') as bytes
    from usage_events where ${owner}`);
  return { requests: Number(row?.requests ?? 0), bytes: Number(row?.bytes ?? 0) };
}

describe('delivery usage', () => {
  it("counts each answer of /img/ and the body bytes its client read, to the asset's tenant", async () => {
    const url = `${server.baseUrl}${imagePath(photoId, 1, 'w_640,f_webp')}`;
    const whole = await getImage(url);
    expect(whole.status).toBe(200);
    const part = await getImage(url, { headers: { range: 'bytes=0-99' } });
    expect(part.status).toBe(206);
    const head = await getImage(url, { method: 'HEAD' });
    const held = await getImage(url, { headers: { 'if-none-match': whole.headers.get('etag')! } });
    expect([head.status, held.status]).toEqual([200, 304]);
    const read = [whole, part, head, held].reduce((sum, answer) => sum + answer.data.length, 0);
    expect(read).toBe(whole.data.length + 100);

    const deploymentBefore = await meters(null);
    // An unknown asset: refused before any tenant is known, so the deployment's.
    expect((await getImage(`${server.baseUrl}${imagePath(randomUUID(), 1, 'w_640')}`)).status).toBe(404);
    // Neither health checks nor metrics are deliveries.
    await fetch(`${server.baseUrl}/healthz`).then((res) => res.arrayBuffer());
    await server.deps.usage.flush();

    expect(await meters(tenant.tenantId)).toEqual({ requests: 4, bytes: read });
    const deployment = await meters(null);
    expect(deployment.requests - deploymentBefore.requests).toBeGreaterThanOrEqual(1);
  });
});

describe('delivery usage of an answer cut off', () => {
  // A render held in memory is handed to the connection whole at once: all of it was written, as far
  // as this process can tell. What is asserted is the bound: what the client took, at most the body.
  it('counts what was written before the client went, never more than the body', async () => {
    const url = `${server.baseUrl}${imagePath(photoId, 1, 'w_1920,f_png')}`;
    const whole = await getImage(url);
    expect(whole.status).toBe(200);
    await server.deps.usage.flush();
    const before = await meters(tenant.tenantId);
    // Read the first chunk, then close the connection.
    const received = await new Promise<number>((resolve, reject) => {
      const req = request(url, (res) => {
        res.once('data', (chunk: Buffer) => {
          req.destroy();
          resolve(chunk.length);
        });
      });
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
      req.end();
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await server.deps.usage.flush();
    const after = await meters(tenant.tenantId);
    expect(after.requests - before.requests).toBe(1);
    const counted = after.bytes - before.bytes;
    expect(counted).toBeGreaterThanOrEqual(received);
    expect(counted).toBeLessThanOrEqual(whole.data.length);
  });
});
