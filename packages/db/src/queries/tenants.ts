import type { TenantQuotas } from '@darkroom/core/contract/usage';
import type { ModerationPolicyPatch } from '@darkroom/core/contract/moderation';
import type { DeliveryPolicyPatch } from '@darkroom/core/delivery';
import type { VariantSpec } from '@darkroom/core/presets';
import type { Visibility } from '@darkroom/core/private-links';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { newId } from '../ids.js';
import { tenants, type Tenant } from '../schema.js';

/** What a tenant may set for itself through an admin; null in each means the deployment's default. */
export interface TenantSettings {
  acceptedContentTypes: string[] | null;
  maxUploadBytes: number | null;
  defaultPreset: string | null;
  rateLimitPerMinute: number | null;
  defaultVisibility: Visibility | null;
  /** The moderation policy's fields the tenant set (absent or null in it: the deployment's MODERATION_*). */
  moderation: ModerationPolicyPatch | null;
  /** The quotas set, none null (docs/api.md#quotas): start or drop their counters in the same transaction (queries/usage). */
  quotas: TenantQuotas;
}

export async function createTenant(db: Executor, params: { name: string } & Partial<TenantSettings>): Promise<Tenant> {
  const [tenant] = await db
    .insert(tenants)
    .values({
      id: newId(),
      name: params.name,
      acceptedContentTypes: params.acceptedContentTypes ?? null,
      maxUploadBytes: params.maxUploadBytes ?? null,
      defaultPreset: params.defaultPreset ?? null,
      rateLimitPerMinute: params.rateLimitPerMinute ?? null,
      defaultVisibility: params.defaultVisibility ?? null,
    })
    .returning();
  return tenant!;
}

export async function getTenant(db: Executor, params: { id: string }): Promise<Tenant | undefined> {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.id, params.id));
  return tenant;
}

/** Sets the fields present in `changes` (undefined leaves a field as it is); undefined when there is no such tenant. */
export async function updateTenant(
  db: Executor,
  params: { id: string; changes: { name?: string | undefined } & { [K in keyof TenantSettings]?: TenantSettings[K] | undefined } },
): Promise<Tenant | undefined> {
  const set = Object.fromEntries(Object.entries(params.changes).filter(([, value]) => value !== undefined));
  const [tenant] = await db
    .update(tenants)
    .set({ ...set, updatedAt: new Date() })
    .where(eq(tenants.id, params.id))
    .returning();
  return tenant;
}

/** Which of these ids are tenants of this database (bucket keys of others are not this deployment's to judge). */
export async function findExistingTenantIds(db: Executor, params: { ids: string[] }): Promise<Set<string>> {
  if (params.ids.length === 0) return new Set();
  const rows = await db.select({ id: tenants.id }).from(tenants).where(inArray(tenants.id, params.ids));
  return new Set(rows.map((r) => r.id));
}

/**
 * Creates or replaces one of the tenant's own presets, unless that would give it more than
 * `maxPresets`. Returns the tenant as changed, `'full'` at the cap, undefined for no such tenant.
 */
export async function putTenantPreset(
  db: Executor,
  params: { tenantId: string; name: string; variants: VariantSpec[]; maxPresets: number },
): Promise<Tenant | 'full' | undefined> {
  const preset = JSON.stringify({ [params.name]: params.variants });
  const [tenant] = await db
    .update(tenants)
    .set({ presets: sql`${tenants.presets} || ${preset}::jsonb`, updatedAt: sql`now()` })
    .where(
      and(
        eq(tenants.id, params.tenantId),
        // One statement, so two racing PUTs cannot both slip under the cap.
        sql`(${tenants.presets} ? ${params.name} or (select count(*) from jsonb_object_keys(${tenants.presets})) < ${params.maxPresets})`,
      ),
    )
    .returning();
  if (tenant) return tenant;
  return (await getTenant(db, { id: params.tenantId })) ? 'full' : undefined;
}

/** Removes one of the tenant's own presets; undefined when it had none of that name. */
export async function deleteTenantPreset(db: Executor, params: { tenantId: string; name: string }): Promise<Tenant | undefined> {
  const [tenant] = await db
    .update(tenants)
    .set({ presets: sql`${tenants.presets} - ${params.name}::text`, updatedAt: sql`now()` })
    .where(and(eq(tenants.id, params.tenantId), sql`${tenants.presets} ? ${params.name}`))
    .returning();
  return tenant;
}

/** Locks the tenant's row until the transaction ends: per-tenant limits (e.g. webhooks) are counted under it. */
export async function lockTenant(tx: Executor, params: { id: string }): Promise<boolean> {
  const rows = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, params.id)).for('update');
  return rows.length > 0;
}

/** Names of the tenants given, by id (the admin console labels rows with them). */
export async function getTenantNames(db: Executor, params: { ids: string[] }): Promise<Map<string, string>> {
  if (params.ids.length === 0) return new Map();
  const rows = await db.select({ id: tenants.id, name: tenants.name }).from(tenants).where(inArray(tenants.id, params.ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** `%`, `_` and `\` match themselves in a LIKE pattern built from what a person typed. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The admin console's tenants list: newest first, at most `limit`, optionally only those whose name
 * contains `nameContains` (any case). Tenants are few next to assets: a scan of the table is fine.
 */
export async function listTenantsForAdmin(db: Executor, params: { nameContains?: string | undefined; limit: number }): Promise<Tenant[]> {
  const where = params.nameContains ? sql`${tenants.name} ilike ${`%${likeLiteral(params.nameContains)}%`}` : undefined;
  return db.select().from(tenants).where(where).orderBy(desc(tenants.createdAt), desc(tenants.id)).limit(params.limit);
}

/**
 * Merges the fields a `PATCH` names into the tenant's stored delivery policy, in one statement (two
 * concurrent PATCHes of different fields both land). Undefined when there is no such tenant.
 */
export async function mergeTenantDelivery(db: Executor, params: { id: string; patch: DeliveryPolicyPatch }): Promise<Tenant | undefined> {
  const [tenant] = await db
    .update(tenants)
    .set({ delivery: sql`${tenants.delivery} || ${JSON.stringify(params.patch)}::jsonb`, updatedAt: new Date() })
    .where(eq(tenants.id, params.id))
    .returning();
  return tenant;
}

/**
 * Installs a new sealed delivery key: the current one becomes the previous one, verifying for
 * `overlapMs` more (null: revoked, it stops at once); the one before it stops at once. One
 * statement, so two rotations never lose a key.
 */
export async function rotateTenantDeliveryKey(
  db: Executor,
  params: { id: string; sealed: string; overlapMs: number | null },
): Promise<Tenant | undefined> {
  // No overlap: the key in force is revoked, not kept as the previous one.
  const keep = params.overlapMs !== null;
  const [tenant] = await db
    .update(tenants)
    .set({
      previousDeliveryKeySealed: keep ? sql`${tenants.deliveryKeySealed}` : null,
      previousDeliveryKeyExpiresAt: keep
        ? sql`case when ${tenants.deliveryKeySealed} is null then null else now() + ${params.overlapMs} * interval '1 millisecond' end`
        : null,
      deliveryKeySealed: params.sealed,
      updatedAt: new Date(),
    })
    .where(eq(tenants.id, params.id))
    .returning();
  return tenant;
}

/**
 * Installs a first delivery key, only if the tenant still has none: of two racing first private
 * assets, one key wins and both mint with it. Returns the tenant as it is after (its key, whoever made it).
 */
export async function setFirstTenantDeliveryKey(db: Executor, params: { id: string; sealed: string }): Promise<Tenant | undefined> {
  const [tenant] = await db
    .update(tenants)
    .set({ deliveryKeySealed: params.sealed, updatedAt: new Date() })
    .where(and(eq(tenants.id, params.id), isNull(tenants.deliveryKeySealed)))
    .returning();
  return tenant ?? getTenant(db, { id: params.id });
}
