CREATE TABLE "events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"type" text NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_tenant_id_idx" ON "events" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "events_asset_id_idx" ON "events" USING btree ("asset_id","id");--> statement-breakpoint
CREATE INDEX "events_created_at_idx" ON "events" USING btree ("created_at");--> statement-breakpoint
-- Event ids: UUIDv7 with the 12 bits after the milliseconds holding the sub-millisecond fraction, made
-- from the row's created_at, so id order is created_at order to about a quarter of a microsecond.
CREATE OR REPLACE FUNCTION darkroom_event_id(at timestamptz) RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT (lpad(to_hex(ms), 12, '0') || '7' || lpad(to_hex(frac), 3, '0')
          || to_hex(8 + floor(random() * 4)::int) || substr(md5(random()::text || clock_timestamp()::text), 1, 15))::uuid
  FROM (SELECT floor(extract(epoch FROM at) * 1000)::bigint AS ms,
               floor((extract(epoch FROM at) * 1000 - floor(extract(epoch FROM at) * 1000)) * 4096)::int AS frac) AS t
$$;
