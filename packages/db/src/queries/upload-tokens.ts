import { randomBytes } from 'node:crypto';
import type { Visibility } from '@darkroom/core/private-links';
import { and, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { newId } from '../ids.js';
import { preparedPer } from '../prepared.js';
import { apiKeys, tenants, uploadTokens, type Tenant, type UploadToken } from '../schema.js';
import { hashApiKey } from './api-keys.js';

export const UPLOAD_TOKEN_PREFIX = 'dut_';

/** Whether a bearer token is an upload token (by its prefix: the lookup goes to its own table). */
export const isUploadToken = (token: string): boolean => token.startsWith(UPLOAD_TOKEN_PREFIX);

export interface NewUploadToken {
  tenantId: string;
  mintedByKeyId: string | null;
  expiresAt: Date;
  maxUploads: number;
  maxUploadBytes: number | null;
  acceptedContentTypes: string[] | null;
  preset: string | null;
  metadata: Record<string, unknown> | null;
  visibility: Visibility | null;
}

export interface CreatedUploadToken {
  uploadToken: UploadToken;
  /** The only time the plain token exists: returned once, stored only as its hash. */
  token: string;
}

/** 256 random bits, like API keys, so a plain SHA-256 is enough to store it. */
export async function createUploadToken(db: Executor, params: NewUploadToken): Promise<CreatedUploadToken> {
  const token = `${UPLOAD_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const [row] = await db
    .insert(uploadTokens)
    .values({ id: newId(), ...params, tokenHash: hashApiKey(token), prefix: token.slice(0, UPLOAD_TOKEN_PREFIX.length + 6) })
    .returning();
  return { uploadToken: row!, token };
}

export interface UploadTokenWithTenant {
  uploadToken: UploadToken;
  tenant: Tenant;
}

/**
 * The token a bearer token stands for, with its tenant, while that tenant still holds an unrevoked
 * key: revoking a tenant's last key revokes its upload tokens too (and deleting the tenant deletes
 * them). Unexpired: a cache of it must still check the expiry, which a cached row outlives.
 */
const tokenWithTenantQuery = preparedPer((db) =>
  db
    .select({ uploadToken: uploadTokens, tenant: tenants })
    .from(uploadTokens)
    .innerJoin(tenants, eq(tenants.id, uploadTokens.tenantId))
    .where(
      and(
        eq(uploadTokens.tokenHash, sql.placeholder('tokenHash')),
        gt(uploadTokens.expiresAt, sql`now()`),
        sql`exists (select 1 from ${apiKeys} where ${apiKeys.tenantId} = ${uploadTokens.tenantId} and ${apiKeys.kind} = 'tenant' and ${apiKeys.revokedAt} is null)`,
      ),
    )
    .prepare('upload_token_with_tenant'),
);

export async function findLiveUploadToken(db: Executor, params: { token: string }): Promise<UploadTokenWithTenant | undefined> {
  const [row] = await tokenWithTenantQuery(db).execute({ tokenHash: hashApiKey(params.token) });
  return row;
}

/**
 * Takes one of the token's uploads: one conditional UPDATE, so two concurrent starts can never
 * pass `maxUploads` together. False once they are all used (or the token has expired or gone).
 * Run it in the transaction that records the upload, so a start that fails gives its slot back.
 */
export async function claimTokenUpload(db: Executor, params: { id: string }): Promise<boolean> {
  const rows = await db
    .update(uploadTokens)
    .set({ uploadsStarted: sql`${uploadTokens.uploadsStarted} + 1` })
    .where(and(eq(uploadTokens.id, params.id), lt(uploadTokens.uploadsStarted, uploadTokens.maxUploads), gt(uploadTokens.expiresAt, sql`now()`)))
    .returning({ id: uploadTokens.id });
  return rows.length > 0;
}

/**
 * Deletes up to `limit` upload tokens that expired before `expiredBefore`; returns how many. An
 * expired token is refused anyway, so its row only takes space; the uploads it started keep their
 * `upload_token_id` (no foreign key), which only a live token could use.
 */
export async function deleteExpiredUploadTokens(db: Executor, params: { expiredBefore: Date; limit: number }): Promise<number> {
  const doomed = db.select({ id: uploadTokens.id }).from(uploadTokens).where(lt(uploadTokens.expiresAt, params.expiredBefore)).limit(params.limit);
  const deleted = await db.delete(uploadTokens).where(inArray(uploadTokens.id, doomed)).returning({ id: uploadTokens.id });
  return deleted.length;
}
