import { and, asc, count, desc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../client.js';
import type { EventType } from '@darkroom/core/contract/event';
import { webhooks, type Webhook } from '../webhook-schema.js';

export interface NewWebhook {
  /** Chosen by the caller: the sealed secret is bound to it. */
  id: string;
  tenantId: string;
  url: string;
  events: EventType[];
  description: string | null;
  secretSealed: string;
}

export async function insertWebhook(db: Executor, params: NewWebhook): Promise<Webhook> {
  const [webhook] = await db.insert(webhooks).values(params).returning();
  return webhook!;
}

export async function countTenantWebhooks(db: Executor, params: { tenantId: string }): Promise<number> {
  const [row] = await db.select({ n: count() }).from(webhooks).where(eq(webhooks.tenantId, params.tenantId));
  return row?.n ?? 0;
}

/** A tenant's webhooks, oldest first (a tenant has at most a handful). */
export async function listTenantWebhooks(db: Executor, params: { tenantId: string }): Promise<Webhook[]> {
  return db.select().from(webhooks).where(eq(webhooks.tenantId, params.tenantId)).orderBy(asc(webhooks.id));
}

/** Scoped to a tenant: another tenant's webhook is simply not found. */
export async function getTenantWebhook(db: Executor, params: { tenantId: string; id: string }): Promise<Webhook | undefined> {
  const [webhook] = await db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.id, params.id), eq(webhooks.tenantId, params.tenantId)));
  return webhook;
}

export async function getWebhook(db: Executor, params: { id: string }): Promise<Webhook | undefined> {
  const [webhook] = await db.select().from(webhooks).where(eq(webhooks.id, params.id));
  return webhook;
}

export type WebhookChanges = Partial<
  Pick<Webhook, 'url' | 'events' | 'enabled' | 'description' | 'secretSealed' | 'previousSecretSealed' | 'previousSecretExpiresAt'>
>;

/** Sets the fields present in `changes`; undefined when the tenant has no such webhook. */
export async function updateTenantWebhook(
  db: Executor,
  params: { tenantId: string; id: string; changes: WebhookChanges },
): Promise<Webhook | undefined> {
  const set = Object.fromEntries(Object.entries(params.changes).filter(([, value]) => value !== undefined));
  const [webhook] = await db
    .update(webhooks)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(webhooks.id, params.id), eq(webhooks.tenantId, params.tenantId)))
    .returning();
  return webhook;
}

export async function deleteTenantWebhook(db: Executor, params: { tenantId: string; id: string }): Promise<boolean> {
  const deleted = await db
    .delete(webhooks)
    .where(and(eq(webhooks.id, params.id), eq(webhooks.tenantId, params.tenantId)))
    .returning({ id: webhooks.id });
  return deleted.length > 0;
}

/** The enabled webhooks of these tenants: what the dispatcher matches a batch of events against. */
export async function listEnabledWebhooks(db: Executor, params: { tenantIds: string[] }): Promise<Webhook[]> {
  if (params.tenantIds.length === 0) return [];
  return db
    .select()
    .from(webhooks)
    .where(and(inArray(webhooks.tenantId, params.tenantIds), eq(webhooks.enabled, true)));
}

/** The admin console's list: one tenant's webhooks, or every tenant's, newest first. */
export async function listWebhooksForAdmin(db: Executor, params: { tenantId?: string | undefined; limit: number }): Promise<Webhook[]> {
  return db
    .select()
    .from(webhooks)
    .where(params.tenantId ? eq(webhooks.tenantId, params.tenantId) : undefined)
    .orderBy(desc(webhooks.id))
    .limit(params.limit);
}
