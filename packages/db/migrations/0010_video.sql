ALTER TABLE "assets" ADD COLUMN "kind" text DEFAULT 'image' NOT NULL;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "duration" double precision;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "video" jsonb;--> statement-breakpoint
ALTER TABLE "backfills" ADD COLUMN "video_variants" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "progress" double precision;--> statement-breakpoint
ALTER TABLE "variants" ADD COLUMN "kind" text DEFAULT 'image' NOT NULL;--> statement-breakpoint
ALTER TABLE "variants" ADD COLUMN "duration" double precision;