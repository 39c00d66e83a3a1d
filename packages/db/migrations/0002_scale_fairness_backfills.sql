CREATE TABLE "backfills" (
	"id" uuid PRIMARY KEY NOT NULL,
	"preset" text NOT NULL,
	"spec_hashes" jsonb NOT NULL,
	"state" text DEFAULT 'running' NOT NULL,
	"window" integer NOT NULL,
	"max_attempts" integer NOT NULL,
	"cursor" uuid,
	"scan_done" boolean DEFAULT false NOT NULL,
	"matched" integer DEFAULT 0 NOT NULL,
	"queued" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "purged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "backfill_id" uuid;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "queue_rank" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_backfill_id_backfills_id_fk" FOREIGN KEY ("backfill_id") REFERENCES "public"."backfills"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assets_preset_status_id_idx" ON "assets" USING btree ("preset","status","id");--> statement-breakpoint
CREATE INDEX "assets_purge_pending_idx" ON "assets" USING btree ("updated_at") WHERE status = 'deleting' or (status in ('canceled', 'expired') and purged_at is null);--> statement-breakpoint
CREATE INDEX "jobs_backfill_open_idx" ON "jobs" USING btree ("backfill_id") WHERE backfill_id is not null and state in ('queued', 'active');--> statement-breakpoint
CREATE INDEX "jobs_open_tenant_lane_idx" ON "jobs" USING btree ("tenant_id","lane") WHERE state in ('queued', 'active');--> statement-breakpoint
CREATE INDEX "jobs_unfinished_lane_idx" ON "jobs" USING btree ("lane","id") WHERE state in ('queued', 'active');--> statement-breakpoint
CREATE INDEX "jobs_tenant_id_idx" ON "jobs" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "jobs_failed_error_code_idx" ON "jobs" USING btree ("error_code","id") WHERE state = 'failed';--> statement-breakpoint
-- Uploads canceled or expired before this migration were cleaned up when they ended: nothing is owed.
UPDATE "assets" SET "purged_at" = "updated_at" WHERE "status" IN ('canceled', 'expired');
