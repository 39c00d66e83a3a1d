import { hash, randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { preparedPer } from '../prepared.js';
import type { Executor } from '../client.js';
import { newId } from '../ids.js';
import { apiKeys, tenants, type ApiKey, type Tenant } from '../schema.js';

export const API_KEY_PREFIX = 'dk_';
export const ADMIN_KEY_PREFIX = 'dka_';

/** Keys have 256 random bits, so a plain SHA-256 is enough (no salt or slow hash needed). */
export function hashApiKey(token: string): string {
  // One-shot: no Hash object per request (docs/design/api.md#one-shot-hashing-digests-as-hex).
  return hash('sha256', token, 'hex');
}

export interface CreatedApiKey {
  key: ApiKey;
  /** The only time the plain key exists: it is returned once and never stored. */
  apiKey: string;
}

export async function createApiKey(
  db: Executor,
  params: { kind: 'tenant'; tenantId: string } | { kind: 'admin'; tenantId?: null },
): Promise<CreatedApiKey> {
  const prefix = params.kind === 'tenant' ? API_KEY_PREFIX : ADMIN_KEY_PREFIX;
  const apiKey = `${prefix}${randomBytes(32).toString('base64url')}`;
  const [key] = await db
    .insert(apiKeys)
    .values({
      id: newId(),
      tenantId: params.tenantId ?? null,
      kind: params.kind,
      keyHash: hashApiKey(apiKey),
      prefix: apiKey.slice(0, prefix.length + 6),
    })
    .returning();
  return { key: key!, apiKey };
}

/** The unrevoked key a bearer token stands for. */
export async function findActiveApiKey(db: Executor, params: { token: string }): Promise<ApiKey | undefined> {
  const [key] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashApiKey(params.token)), isNull(apiKeys.revokedAt)));
  return key;
}

export interface KeyWithTenant {
  key: ApiKey;
  /** The key's tenant; null for admin keys. */
  tenant: Tenant | null;
}

/** The unrevoked key a bearer token stands for, with its tenant, in one round trip. */
const keyWithTenantQuery = preparedPer((db) =>
  db
    .select({ key: apiKeys, tenant: tenants })
    .from(apiKeys)
    .leftJoin(tenants, eq(tenants.id, apiKeys.tenantId))
    .where(and(eq(apiKeys.keyHash, sql.placeholder('keyHash')), isNull(apiKeys.revokedAt)))
    .prepare('key_with_tenant'),
);

export async function findActiveKeyWithTenant(db: Executor, params: { token: string }): Promise<KeyWithTenant | undefined> {
  const [row] = await keyWithTenantQuery(db).execute({ keyHash: hashApiKey(params.token) });
  return row;
}

/** Returns false when there is no such key (or it was already revoked). */
export async function revokeApiKey(db: Executor, params: { id: string }): Promise<boolean> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, params.id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}

/** An unrevoked key by its id (admin console sessions name the key that opened them). */
export async function getActiveApiKey(db: Executor, params: { id: string }): Promise<ApiKey | undefined> {
  const [key] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.id, params.id), isNull(apiKeys.revokedAt)));
  return key;
}
