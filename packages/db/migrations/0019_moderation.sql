CREATE TABLE "blocklist_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid,
	"hash" bigint NOT NULL,
	"part0" integer NOT NULL,
	"part1" integer NOT NULL,
	"part2" integer NOT NULL,
	"reason" text,
	"asset_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "blocklist_entries_list_hash_key" UNIQUE NULLS NOT DISTINCT("tenant_id","hash")
);
--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "moderation" jsonb DEFAULT '{"state":"pending","findings":[],"decidedBy":null,"reason":null,"decidedAt":null}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "perceptual_hashes" bigint[];--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "quarantined_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "moderation" jsonb;--> statement-breakpoint
CREATE INDEX "blocklist_entries_tenant_id_idx" ON "blocklist_entries" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "blocklist_entries_part0_idx" ON "blocklist_entries" USING btree ("part0");--> statement-breakpoint
CREATE INDEX "blocklist_entries_part1_idx" ON "blocklist_entries" USING btree ("part1");--> statement-breakpoint
CREATE INDEX "blocklist_entries_part2_idx" ON "blocklist_entries" USING btree ("part2");--> statement-breakpoint
CREATE INDEX "assets_held_idx" ON "assets" USING btree ("id") WHERE status = 'held';--> statement-breakpoint
CREATE INDEX "assets_quarantined_idx" ON "assets" USING btree ("quarantined_at") WHERE quarantined_at is not null;--> statement-breakpoint
-- Assets published before moderation were published unchecked: clear, not pending.
UPDATE "assets" SET "moderation" = jsonb_set("moderation", '{state}', '"clear"') WHERE "status" = 'ready';
