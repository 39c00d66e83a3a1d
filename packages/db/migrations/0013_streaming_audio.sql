ALTER TABLE "assets" ADD COLUMN "audio" jsonb;--> statement-breakpoint
ALTER TABLE "variants" ADD COLUMN "renditions" jsonb;