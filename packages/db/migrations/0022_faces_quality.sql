-- Faces found in an image at ingest, or marked by hand (docs/api.md): null before the search.
ALTER TABLE "assets" ADD COLUMN "faces" jsonb;--> statement-breakpoint
-- The encoder quality a variant was made at: what a q_auto search chose.
ALTER TABLE "variants" ADD COLUMN "quality" integer;
