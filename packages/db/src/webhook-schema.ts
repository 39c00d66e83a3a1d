import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { EVENT_TYPES, type EventType } from '@darkroom/core/contract/event';
import { events, tenants } from './schema.js';

/** Webhooks (Standard Webhooks) and their deliveries: beside schema.ts to keep each file readable. */

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    /** The event types it receives. */
    events: text('events', { enum: EVENT_TYPES }).array().$type<EventType[]>().notNull(),
    description: text('description'),
    enabled: boolean('enabled').notNull().default(true),
    /** The signing secret, sealed with WEBHOOK_SECRET_KEY (AES-256-GCM, see @darkroom/core createSecretBox). */
    secretSealed: text('secret_sealed').notNull(),
    /** The secret before the last rotation, still signing until `previousSecretExpiresAt`. */
    previousSecretSealed: text('previous_secret_sealed'),
    previousSecretExpiresAt: at('previous_secret_expires_at'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [index('webhooks_tenant_id_idx').on(t.tenantId, t.id)],
);

export const DELIVERY_STATES = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/**
 * One event owed to one webhook: the truth of where its delivery stands. `attempts` counts the
 * attempts that finished; `nextAttemptAt` is when the next one is due (null once final);
 * `lockedUntil` is the lease of the attempt in flight, so a worker killed mid-attempt leaves the
 * delivery to be taken up again once it lapses.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: uuid('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    state: text('state', { enum: DELIVERY_STATES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: at('next_attempt_at'),
    lockedUntil: at('locked_until'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // The sweep: pending deliveries by when they are due.
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`state = 'pending'`),
    index('webhook_deliveries_webhook_idx').on(t.webhookId, t.id),
    index('webhook_deliveries_event_idx').on(t.eventId),
  ],
);

export const ATTEMPT_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

/** The delivery log: one row per attempt, `pending` while it is in flight. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: uuid('id').primaryKey(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type', { enum: EVENT_TYPES }).notNull(),
    attempt: integer('attempt').notNull(),
    status: text('status', { enum: ATTEMPT_STATUSES }).notNull(),
    responseStatus: integer('response_status'),
    /** At most 1 KiB of what the receiver answered, for people debugging it. */
    responseBody: text('response_body'),
    error: text('error'),
    durationMs: integer('duration_ms'),
    attemptedAt: at('attempted_at').notNull(),
    nextAttemptAt: at('next_attempt_at'),
  },
  (t) => [
    uniqueIndex('webhook_attempts_delivery_attempt_idx').on(t.deliveryId, t.attempt),
    index('webhook_attempts_webhook_idx').on(t.webhookId, t.id),
  ],
);

/** Where the dispatcher stands in the events outbox: one row, the last event id turned into deliveries. */
export const webhookDispatch = pgTable('webhook_dispatch', {
  id: smallint('id').primaryKey().default(1),
  lastEventId: uuid('last_event_id'),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

export type Webhook = typeof webhooks.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type WebhookAttempt = typeof webhookAttempts.$inferSelect;
