import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DarkroomClient } from '../support/client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { expectNothingInternal } from '../support/hostile.js';
import { fixture } from '../support/images.js';

/**
 * A client that completes and deletes the same upload at once (two tabs, a retry racing a cleanup):
 * `complete` once dereferenced a row the DELETE had removed and answered 500.
 */
let harness: Harness;
let client: DarkroomClient;
let jpeg: Uint8Array;

beforeAll(async () => {
  harness = await startHarness({ withWorker: false });
  const admin = new DarkroomClient(harness.baseUrl, harness.adminToken);
  client = admin.withToken((await admin.createTenant('races')).apiKey);
  jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
});
afterAll(() => harness?.close());

describe('complete racing DELETE', () => {
  it('answers 202 or 404, never 500, and the asset ends deleted', async () => {
    for (let round = 0; round < 12; round++) {
      const { asset } = await client.upload(jpeg, { filename: 'race.jpg', contentType: 'image/jpeg' });
      // Stagger the DELETE so that it lands at different points of complete's checks.
      const [completed, deleted] = await Promise.all([
        client.request('POST', `/v1/uploads/${asset.id}/complete`, {}),
        new Promise((resolve) => setTimeout(resolve, round % 4)).then(() => client.request('DELETE', `/v1/assets/${asset.id}`)),
      ]);
      expect([202, 404], JSON.stringify(completed.body)).toContain(completed.status);
      if (completed.status === 404) expect(completed.body.error.code).toBe('not_found');
      expectNothingInternal(harness, completed.body);
      expect([204, 404]).toContain(deleted.status);
      if (deleted.status === 404) expect((await client.request('DELETE', `/v1/assets/${asset.id}`)).status).toBe(204);
      expect((await client.request('GET', `/v1/assets/${asset.id}`)).status).toBe(404);
    }
  });
});
