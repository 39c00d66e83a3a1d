ALTER TABLE "jobs" ADD COLUMN "queue_rank" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX "assets_preset_status_id_idx" ON "assets" USING btree ("preset","status","id");--> statement-breakpoint
CREATE INDEX "jobs_open_tenant_lane_idx" ON "jobs" USING btree ("tenant_id","lane") WHERE state in ('queued', 'active');--> statement-breakpoint
CREATE INDEX "jobs_unfinished_lane_idx" ON "jobs" USING btree ("lane","id") WHERE state in ('queued', 'active');--> statement-breakpoint
CREATE INDEX "jobs_tenant_id_idx" ON "jobs" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "jobs_failed_error_code_idx" ON "jobs" USING btree ("error_code","id") WHERE state = 'failed';