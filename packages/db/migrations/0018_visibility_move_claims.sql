ALTER TABLE "assets" ADD COLUMN "move_claim" uuid;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "move_claimed_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "move_next_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "move_failures" integer DEFAULT 0 NOT NULL;