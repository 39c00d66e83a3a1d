ALTER TABLE "assets" ADD COLUMN "playable" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- A video or audio asset that was ever ready could be played from then on.
UPDATE "assets" SET "playable" = true WHERE "kind" <> 'image' AND "ready_at" IS NOT NULL;
