import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getImage,
  imagePath,
  setDeliverySettings,
  spawnDelivery,
  startDelivery,
  type DeliveryServer,
  type SpawnedDelivery,
} from '../support/delivery.js';
import { createTestTenant } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { freePort, waitFor } from '../support/services.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/** Renders happen once, across processes; AVIF is never waited for under f_auto. Needs `npm run build`. */
const harness = setupHarness();
const tenant = setupTenant(harness, 'delivery-once');
let photo: any;
const processes: SpawnedDelivery[] = [];

/** A sample's value in Prometheus text (`name` with its labels as written), 0 when absent. */
function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : 0;
}

const metricsOf = async (baseUrl: string) => (await fetch(`${baseUrl}/metrics`)).text();

beforeAll(async () => {
  const { asset } = await tenant.client.uploadAndComplete(new Uint8Array(await readFile(fixture('jolla.jpg'))), {
    filename: 'jolla.jpg',
    contentType: 'image/jpeg',
  });
  photo = await tenant.client.waitForAsset(asset.id, 120_000);
  expect(photo.status).toBe('ready');
});
afterAll(async () => {
  for (const spawned of processes) await spawned.close();
});

describe('render once', () => {
  it('renders a burst of identical requests split between two delivery processes exactly once', async () => {
    const spawning: [Promise<SpawnedDelivery>, Promise<SpawnedDelivery>] = [
      spawnDelivery(harness, await freePort()),
      spawnDelivery(harness, await freePort()),
    ];
    // Both closed after the file, even when only one of them started.
    for (const started of spawning) started.then((spawned) => processes.push(spawned)).catch(() => {});
    const [a, b] = await Promise.all(spawning);
    const path = imagePath(photo.id, 1, 'w_1920,f_webp');
    const burst = await Promise.all(Array.from({ length: 24 }, (_, i) => getImage(`${(i % 2 ? a : b).baseUrl}${path}`)));
    expect(burst.map((r) => r.status)).toEqual(Array(24).fill(200));
    expect(new Set(burst.map((r) => r.data.toString('base64'))).size).toBe(1);
    expect(burst[0]!.meta).toMatchObject({ format: 'webp', width: 1920, height: 1440 });

    const [textA, textB] = await Promise.all([metricsOf(a.baseUrl), metricsOf(b.baseUrl)]);
    expect(sample(textA, 'darkroom_delivery_renders_total') + sample(textB, 'darkroom_delivery_renders_total')).toBe(1);
    const results = (text: string, result: string) => sample(text, `darkroom_delivery_requests_total{result="${result}"}`);
    expect(results(textA, 'render') + results(textB, 'render')).toBe(1);
    expect(results(textA, 'hit') + results(textB, 'hit')).toBe(23);
    // Both keep answering.
    for (const spawned of [a, b]) expect((await fetch(`${spawned.baseUrl}/healthz`)).status).toBe(200);
  });
});

describe('AVIF without the wait', () => {
  let delivery: DeliveryServer;
  beforeAll(async () => {
    delivery = await startDelivery(harness);
  });
  afterAll(() => delivery?.close());

  it('answers f_auto at once in the next format (briefly cached) and stores the AVIF in the background; then AVIF, immutable', async () => {
    const url = `${delivery.baseUrl}${imagePath(photo.id, 1, 'w_640')}`;
    const accept = 'image/avif,image/webp,*/*';
    const first = await getImage(url, { accept });
    expect([first.status, first.meta?.format, first.headers.get('cache-control'), first.headers.get('vary')]).toEqual([
      200,
      'webp',
      'public, max-age=60',
      'Accept',
    ]);
    const avif = await waitFor(
      'the AVIF to be stored',
      async () => {
        const res = await getImage(url, { accept });
        return res.headers.get('content-type') === 'image/avif' ? res : null;
      },
      60_000,
      100,
    );
    expect([avif.status, avif.meta?.format, avif.meta?.width, avif.headers.get('cache-control'), avif.headers.get('vary')]).toEqual([
      200,
      'heif',
      640,
      'public, max-age=31536000, immutable',
      'Accept',
    ]);
    // A browser without AVIF gets the WebP, now immutable: it was stored as a render of its own.
    const webp = await getImage(url, { accept: 'image/webp' });
    expect([webp.meta?.format, webp.headers.get('cache-control')]).toEqual(['webp', 'public, max-age=31536000, immutable']);
  });

  it('waits for an AVIF asked for explicitly', async () => {
    const res = await getImage(`${delivery.baseUrl}${imagePath(photo.id, 1, 'w_750,f_avif')}`, { accept: '*/*' });
    expect([res.status, res.headers.get('content-type'), res.headers.get('cache-control'), res.headers.get('vary')]).toEqual([
      200,
      'image/avif',
      'public, max-age=31536000, immutable',
      null,
    ]);
  });

  it("leaves AVIF out when the tenant's policy turns it off", async () => {
    const other = await createTestTenant(harness, 'delivery-no-avif');
    await setDeliverySettings(harness, other.tenantId, { policy: { avif: false } });
    const { asset } = await other.client.uploadAndComplete(new Uint8Array(await readFile(fixture('DSCN0010.jpg'))), {
      filename: 'photo.jpg',
      contentType: 'image/jpeg',
    });
    const ready = await other.client.waitForAsset(asset.id);
    const res = await getImage(`${delivery.baseUrl}${imagePath(ready.id, 1, 'w_640')}`, { accept: 'image/avif,image/webp' });
    expect([res.meta?.format, res.headers.get('cache-control')]).toEqual(['webp', 'public, max-age=31536000, immutable']);
  });
});
