ALTER TABLE "assets" ADD COLUMN "revision" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "focus" jsonb;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "crop" jsonb;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "has_alpha" boolean;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "delivery" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "delivery_key_sealed" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "previous_delivery_key_sealed" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "previous_delivery_key_expires_at" timestamp with time zone;