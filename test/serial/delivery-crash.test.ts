import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getImage, imagePath, spawnDelivery, type SpawnedDelivery } from '../support/delivery.js';
import { noisePng } from '../support/fixtures.js';
import { freePort, waitFor } from '../support/services.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { filesUnder } from '../support/video.js';

/** A delivery server killed outright mid-render. Serial: it kills processes. */
const harness = setupHarness();
const tenant = setupTenant(harness, 'delivery-crash');
const servers: SpawnedDelivery[] = [];
let tmp: string;
let assetId: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'darkroom-delivery-crash-'));
  // Random pixels: slow enough to render that the server is still at it when it is killed.
  const bytes = new Uint8Array(await noisePng(3000));
  const { asset } = await tenant.client.uploadAndComplete(bytes, { filename: 'noise.png', contentType: 'image/png' });
  expect((await tenant.client.waitForAsset(asset.id, 120_000)).status).toBe('ready');
  assetId = asset.id;
});
afterAll(async () => {
  for (const server of servers) await server.close();
  await rm(tmp, { recursive: true, force: true });
});

/** A delivery server whose originals always go to a file in `tmp`. */
async function server(): Promise<SpawnedDelivery> {
  const spawned = await spawnDelivery(harness, await freePort(), { TMP_DIR: tmp, DELIVERY_ORIGINAL_MEMORY_MB: '0' });
  servers.push(spawned);
  return spawned;
}

describe('a delivery server killed mid-render, then started again on the same TMP_DIR', () => {
  it('leaves no temp file behind: the dead process’s copy of the original is removed', async () => {
    const first = await server();
    const rendering = getImage(`${first.baseUrl}${imagePath(assetId, 1, 'w_2048,f_avif')}`).catch(() => null);
    const originalOnDisk = async () => (await filesUnder(tmp)).some((f) => f.endsWith('original'));
    await waitFor('the original on disk', originalOnDisk, 30_000, 10);
    first.process.kill('SIGKILL');
    await rendering;
    expect(await originalOnDisk()).toBe(true);

    const second = await server();
    expect((await getImage(`${second.baseUrl}${imagePath(assetId, 1, 'w_64,f_webp')}`)).status).toBe(200);
    await waitFor('the dead server’s temp files to go', async () => !(await originalOnDisk()), 30_000);
  });
});
