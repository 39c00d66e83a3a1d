-- The rows an upload writes (assets, jobs, events) no longer hold a foreign key to their tenant: the
-- key's check locked the tenant's row on every insert, so one tenant's concurrent uploads queued on
-- one tuple (see schema.ts, assets.tenantId, for the figures).
ALTER TABLE "assets" DROP CONSTRAINT IF EXISTS "assets_tenant_id_tenants_id_fk";
--> statement-breakpoint
ALTER TABLE "events" DROP CONSTRAINT IF EXISTS "events_tenant_id_tenants_id_fk";
--> statement-breakpoint
ALTER TABLE "jobs" DROP CONSTRAINT IF EXISTS "jobs_tenant_id_tenants_id_fk";
--> statement-breakpoint
-- What ON DELETE CASCADE did, kept: deleting a tenant deletes its events, jobs and assets (and, by
-- their own keys, the assets' variants and jobs). Darkroom never deletes a tenant itself.
CREATE OR REPLACE FUNCTION darkroom_delete_tenant_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "events" WHERE "tenant_id" = OLD."id";
  DELETE FROM "jobs" WHERE "tenant_id" = OLD."id";
  DELETE FROM "assets" WHERE "tenant_id" = OLD."id";
  RETURN OLD;
END;
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS "tenants_delete_rows" ON "tenants";
--> statement-breakpoint
CREATE TRIGGER "tenants_delete_rows" BEFORE DELETE ON "tenants" FOR EACH ROW EXECUTE FUNCTION darkroom_delete_tenant_rows();
