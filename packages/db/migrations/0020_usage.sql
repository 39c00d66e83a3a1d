-- Usage: meters, the storage ledger and quotas (docs/api.md#usage). Hand-written: drizzle-kit
-- generates no partitioned tables. usage-schema.ts describes these tables for the queries.

-- Every metered event, appended where it happens (in the transaction of the change it meters, where
-- there is one) and rolled into usage_hourly every few seconds (queries/usage-rollup.ts). `source`
-- names what caused it (the job, object, request or flush batch), so an event written twice counts once.
CREATE TABLE "usage_events" (
	"id" bigserial PRIMARY KEY,
	"tenant_id" uuid,
	"meter" text NOT NULL,
	"amount" numeric(24, 3) NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"source" text NOT NULL,
	"rolled_at" timestamp with time zone,
	CONSTRAINT "usage_events_source_key" UNIQUE ("source", "meter")
);
--> statement-breakpoint
CREATE INDEX "usage_events_unrolled_idx" ON "usage_events" ("id") WHERE "rolled_at" IS NULL;
--> statement-breakpoint
CREATE INDEX "usage_events_rolled_idx" ON "usage_events" ("rolled_at") WHERE "rolled_at" IS NOT NULL;
--> statement-breakpoint
-- One row per tenant (null: the deployment), hour (UTC) and meter. Partitioned by month, so that
-- retention is a partition drop; the rollup creates each month's partition before it writes there.
CREATE TABLE "usage_hourly" (
	"tenant_id" uuid,
	"hour" timestamp with time zone NOT NULL,
	"meter" text NOT NULL,
	"value" numeric(24, 3) NOT NULL,
	CONSTRAINT "usage_hourly_key" UNIQUE NULLS NOT DISTINCT ("tenant_id", "hour", "meter")
) PARTITION BY RANGE ("hour");
--> statement-breakpoint
CREATE TABLE "usage_daily" (
	"tenant_id" uuid,
	"day" date NOT NULL,
	"meter" text NOT NULL,
	"value" numeric(24, 3) NOT NULL,
	CONSTRAINT "usage_daily_key" UNIQUE NULLS NOT DISTINCT ("tenant_id", "day", "meter")
) PARTITION BY RANGE ("day");
--> statement-breakpoint
-- The storage ledger: every object Darkroom's storage client wrote and has not deleted, with its
-- size, so that stored bytes are known from Darkroom's own records, never from a LIST.
CREATE TABLE "stored_objects" (
	"bucket" text NOT NULL,
	"key" text NOT NULL,
	"tenant_id" uuid,
	"billed" boolean NOT NULL,
	"bytes" bigint NOT NULL,
	"written_at" timestamp with time zone DEFAULT now() NOT NULL,
	PRIMARY KEY ("bucket", "key")
);
--> statement-breakpoint
CREATE INDEX "stored_objects_tenant_idx" ON "stored_objects" ("tenant_id", "billed");
--> statement-breakpoint
-- What each tenant holds now, by billed and not: kept by the rollup alone (one writer, no hot row).
CREATE TABLE "usage_storage_balance" (
	"tenant_id" uuid,
	"billed" boolean NOT NULL,
	"bytes" bigint NOT NULL,
	CONSTRAINT "usage_storage_balance_key" UNIQUE NULLS NOT DISTINCT ("tenant_id", "billed")
);
--> statement-breakpoint
-- Quotas: a tenant's limits, and for each quota it has, what is used and reserved in each period
-- ('2026-11', or 'all' for storedBytes). Only tenants with a quota have rows, so only they pay.
ALTER TABLE "tenants" ADD COLUMN "quotas" jsonb DEFAULT '{}'::jsonb NOT NULL;
--> statement-breakpoint
CREATE TABLE "quota_counters" (
	"tenant_id" uuid NOT NULL,
	"quota" text NOT NULL,
	"period" text NOT NULL,
	"used" numeric(24, 3) DEFAULT 0 NOT NULL,
	"reserved" bigint DEFAULT 0 NOT NULL,
	PRIMARY KEY ("tenant_id", "quota", "period")
);
--> statement-breakpoint
-- An upload's reservation against a quota, until `complete`, `abort`, or its URLs expire.
CREATE TABLE "quota_reservations" (
	"upload_id" uuid NOT NULL,
	"tenant_id" uuid NOT NULL,
	"quota" text NOT NULL,
	"period" text NOT NULL,
	"amount" bigint NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	PRIMARY KEY ("upload_id", "quota")
);
--> statement-breakpoint
CREATE INDEX "quota_reservations_expires_idx" ON "quota_reservations" ("expires_at");
--> statement-breakpoint
-- The threshold events sent: one per tenant, quota, period and level, whatever races.
CREATE TABLE "quota_notices" (
	"tenant_id" uuid NOT NULL,
	"quota" text NOT NULL,
	"period" text NOT NULL,
	"level" text NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	PRIMARY KEY ("tenant_id", "quota", "period", "level")
);
