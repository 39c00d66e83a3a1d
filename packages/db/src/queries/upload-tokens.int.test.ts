import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../client.js';
import { createTenant } from './tenants.js';
import { createUploadToken, deleteExpiredUploadTokens, type NewUploadToken } from './upload-tokens.js';

let handle: DatabaseHandle;
let tenantId: string;

beforeAll(async () => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
  tenantId = (await createTenant(handle.db, { name: 'upload-token-sweep' })).id;
});
afterAll(() => handle?.close());

const token = (expiresAt: Date): NewUploadToken => ({
  tenantId,
  mintedByKeyId: null,
  expiresAt,
  maxUploads: 1,
  maxUploadBytes: null,
  acceptedContentTypes: null,
  preset: null,
  metadata: null,
  visibility: null,
});

async function tokenIdsOfTenant(): Promise<string[]> {
  const rows = await handle.db.query.uploadTokens.findMany({ where: (t, { eq }) => eq(t.tenantId, tenantId) });
  return rows.map((r) => r.id).sort();
}

describe('deleteExpiredUploadTokens', () => {
  it('deletes tokens expired before the cut-off, in batches, and leaves the others', async () => {
    const now = Date.now();
    const live = await createUploadToken(handle.db, token(new Date(now + 3_600_000)));
    const justExpired = await createUploadToken(handle.db, token(new Date(now - 1_000)));
    for (let i = 0; i < 3; i++) await createUploadToken(handle.db, token(new Date(now - 7_200_000 - i)));
    const cutOff = new Date(now - 3_600_000);

    // Other tests' tokens may be expired too: sweep in batches of 2 until nothing older is left.
    let deleted = 0;
    for (let pass = 0; pass < 1000; pass++) {
      const n = await deleteExpiredUploadTokens(handle.db, { expiredBefore: cutOff, limit: 2 });
      expect(n).toBeLessThanOrEqual(2);
      deleted += n;
      if (n === 0) break;
    }
    expect(deleted).toBeGreaterThanOrEqual(3);
    expect(await tokenIdsOfTenant()).toEqual([live.uploadToken.id, justExpired.uploadToken.id].sort());
  });
});
