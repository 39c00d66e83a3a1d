import { eq } from 'drizzle-orm';
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
