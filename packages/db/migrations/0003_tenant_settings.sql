ALTER TABLE "tenants" ADD COLUMN "max_upload_bytes" bigint;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "default_preset" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "rate_limit_per_minute" integer;