import { eq, inArray } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { newId } from '../ids.js';
import { tenants, type Tenant } from '../schema.js';

export async function createTenant(db: Executor, params: { name: string }): Promise<Tenant> {
  const [tenant] = await db.insert(tenants).values({ id: newId(), name: params.name }).returning();
  return tenant!;
}

export async function getTenant(db: Executor, params: { id: string }): Promise<Tenant | undefined> {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.id, params.id));
  return tenant;
}

/** Which of these ids are tenants of this database (bucket keys of others are not this deployment's to judge). */
export async function findExistingTenantIds(db: Executor, params: { ids: string[] }): Promise<Set<string>> {
  if (params.ids.length === 0) return new Set();
  const rows = await db.select({ id: tenants.id }).from(tenants).where(inArray(tenants.id, params.ids));
  return new Set(rows.map((r) => r.id));
}
