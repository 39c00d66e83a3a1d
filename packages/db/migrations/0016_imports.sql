CREATE TABLE "import_identities" (
	"tenant_id" uuid NOT NULL,
	"identity_hash" text NOT NULL,
	"asset_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "import_identities_tenant_id_identity_hash_pk" PRIMARY KEY("tenant_id","identity_hash")
);
--> statement-breakpoint
CREATE TABLE "import_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"import_id" uuid NOT NULL,
	"tenant_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"location" text NOT NULL,
	"source" text NOT NULL,
	"identity" text NOT NULL,
	"identity_hash" text NOT NULL,
	"external_id" text,
	"filename" text,
	"metadata" jsonb,
	"size" bigint,
	"etag" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"reason" text,
	"error_code" text,
	"error_message" text,
	"asset_id" uuid,
	"attempts" integer DEFAULT 0 NOT NULL,
	"retry_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "imports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"status" text NOT NULL,
	"dry_run" boolean DEFAULT false NOT NULL,
	"source" jsonb NOT NULL,
	"region" text,
	"credentials_sealed" text,
	"preset" text,
	"visibility" text NOT NULL,
	"metadata" jsonb,
	"found" integer DEFAULT 0 NOT NULL,
	"imported" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"bytes" bigint DEFAULT 0 NOT NULL,
	"list_cursor" text,
	"listed" boolean DEFAULT false NOT NULL,
	"error_code" text,
	"error_message" text,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "events" ALTER COLUMN "asset_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "import_id" uuid;--> statement-breakpoint
ALTER TABLE "import_identities" ADD CONSTRAINT "import_identities_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_items" ADD CONSTRAINT "import_items_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "import_items_seq_idx" ON "import_items" USING btree ("import_id","seq");--> statement-breakpoint
CREATE INDEX "import_items_status_idx" ON "import_items" USING btree ("import_id","status","seq");--> statement-breakpoint
CREATE INDEX "import_items_identity_idx" ON "import_items" USING btree ("import_id","identity_hash");--> statement-breakpoint
CREATE INDEX "imports_tenant_id_idx" ON "imports" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "imports_open_idx" ON "imports" USING btree ("id") WHERE status in ('planning', 'running');