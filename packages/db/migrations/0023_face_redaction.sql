-- What a backfill re-renders: a preset's stale variants, or a tenant's after its enforceFaceRedaction changed.
ALTER TABLE "backfills" ADD COLUMN "reason" text DEFAULT 'preset' NOT NULL;--> statement-breakpoint
-- The face redaction an image variant's pixels carry (docs/delivery.md#faces): null, none.
ALTER TABLE "variants" ADD COLUMN "redaction" text;
