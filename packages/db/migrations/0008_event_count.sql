CREATE TABLE "event_count" (
	"id" smallint PRIMARY KEY NOT NULL,
	"upto" uuid,
	"written" bigint NOT NULL,
	CONSTRAINT "event_count_one_row" CHECK ("event_count"."id" = 1)
);
--> statement-breakpoint
-- darkroom_events_written_total is counted from the events table by time-ordered id (queries/events-written.ts):
-- nothing counted yet, so the first count takes every event still kept. Events retention already dropped are not
-- in it: the counter starts again lower than Postgres's insert statistics it replaces, which Prometheus reads as a reset.
INSERT INTO "event_count" ("id", "upto", "written") VALUES (1, NULL, 0);
