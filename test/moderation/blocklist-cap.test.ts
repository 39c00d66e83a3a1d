import { phashText } from '@darkroom/core/contract/moderation';
import { expect, it } from 'vitest';
import { randomHash } from '../support/moderation.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/** BLOCKLIST_MAX_ENTRIES: a list full refuses more with 409 invalid_state, and takes them again once an entry goes. */
const harness = setupHarness({ withWorker: false, env: { BLOCKLIST_MAX_ENTRIES: '2' } });
const t = setupTenant(harness, 'blocklist-cap');

it('refuses an entry past the cap, naming it, until one is deleted', async () => {
  const add = () => t.client.request('POST', '/v1/blocklist', { hash: phashText(randomHash()) });
  const first = await add();
  expect((await add()).status).toBe(201);
  const refused = await add();
  expect(refused.status).toBe(409);
  expect(refused.body.error).toMatchObject({ code: 'invalid_state', details: { maxEntries: 2 } });
  expect((await t.client.request('DELETE', `/v1/blocklist/${first.body.items[0]!.id}`)).status).toBe(204);
  expect((await add()).status).toBe(201);
});
