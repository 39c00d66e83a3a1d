ALTER TABLE "assets" ADD COLUMN "visibility" text DEFAULT 'public' NOT NULL;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "objects_visibility" text DEFAULT 'public' NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "default_visibility" text;--> statement-breakpoint
ALTER TABLE "upload_tokens" ADD COLUMN "visibility" text;--> statement-breakpoint
CREATE INDEX "assets_visibility_move_idx" ON "assets" USING btree ("updated_at") WHERE visibility <> objects_visibility;