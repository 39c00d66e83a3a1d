-- Upload reservations move from a row per upload and quota to holds (see below).
ALTER TABLE "assets" ADD COLUMN "quota_hold_id" uuid;--> statement-breakpoint
-- What one reservation statement took from a tenant's quota counters, a row per quota: an API
-- process's credit for its next upload starts (docs/operations.md#usage), or one upload's own once
-- its URLs were renewed. `amount` is what it still holds: an upload it served gives its size back
-- (assets.quota_hold_id turns null), its expiry gives back the rest.
CREATE TABLE "quota_holds" (
	"id" uuid NOT NULL,
	"quota" text NOT NULL,
	"tenant_id" uuid NOT NULL,
	"period" text NOT NULL,
	"amount" bigint NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	PRIMARY KEY ("id", "quota")
);
--> statement-breakpoint
CREATE INDEX "quota_holds_expires_idx" ON "quota_holds" ("expires_at");
--> statement-breakpoint
-- Each upload's reservation so far becomes a hold of its own, under the upload's id.
INSERT INTO "quota_holds" ("id", "quota", "tenant_id", "period", "amount", "expires_at")
	SELECT "upload_id", "quota", "tenant_id", "period", "amount", "expires_at" FROM "quota_reservations";
--> statement-breakpoint
UPDATE "assets" SET "quota_hold_id" = "id" WHERE "id" IN (SELECT "upload_id" FROM "quota_reservations");
--> statement-breakpoint
DROP TABLE "quota_reservations";
