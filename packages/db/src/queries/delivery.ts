import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { runDirect } from '../direct-query.js';
import { preparedPer } from '../prepared.js';
import { assets, tenants } from '../schema.js';

const deliverySourceQuery = preparedPer((db) =>
  runDirect(
    db
      .select({
        id: assets.id,
        tenantId: assets.tenantId,
        status: assets.status,
        playable: assets.playable,
        kind: assets.kind,
        originalKey: assets.originalKey,
        width: assets.width,
        height: assets.height,
        format: assets.format,
        revision: assets.revision,
        focus: assets.focus,
        crop: assets.crop,
        faces: assets.faces,
        hasAlpha: assets.hasAlpha,
        visibility: assets.visibility,
        objectsVisibility: assets.objectsVisibility,
        moderationState: sql<string>`${assets.moderation}->>'state'`,
        delivery: tenants.delivery,
        deliveryKeySealed: tenants.deliveryKeySealed,
        previousDeliveryKeySealed: tenants.previousDeliveryKeySealed,
        previousDeliveryKeyExpiresAt: tenants.previousDeliveryKeyExpiresAt,
      })
      .from(assets)
      .innerJoin(tenants, eq(tenants.id, assets.tenantId))
      .where(eq(assets.id, sql.placeholder('id')))
      .prepare('delivery_source'),
  ),
);

/** An asset as the delivery server reads it, with its tenant's delivery policy and sealed signing keys. */
export type DeliverySource = Awaited<ReturnType<ReturnType<typeof deliverySourceQuery>['execute']>>[number];

/** One asset and its tenant's delivery settings, in one round trip; undefined when there is no such asset. */
export async function getDeliverySource(db: Executor, params: { id: string }): Promise<DeliverySource | undefined> {
  const [row] = await deliverySourceQuery(db).execute(params);
  return row;
}

const deliveryTenantQuery = preparedPer((db) =>
  runDirect(
    db
      .select({
        tenantId: tenants.id,
        delivery: tenants.delivery,
        deliveryKeySealed: tenants.deliveryKeySealed,
        previousDeliveryKeySealed: tenants.previousDeliveryKeySealed,
        previousDeliveryKeyExpiresAt: tenants.previousDeliveryKeyExpiresAt,
      })
      .from(tenants)
      .where(eq(tenants.id, sql.placeholder('id')))
      .prepare('delivery_tenant'),
  ),
);

/** A tenant's delivery settings alone (its policy and sealed signing keys): a key made since its assets were looked up. */
export type DeliveryTenantSource = Awaited<ReturnType<ReturnType<typeof deliveryTenantQuery>['execute']>>[number];

export async function getDeliveryTenant(db: Executor, params: { id: string }): Promise<DeliveryTenantSource | undefined> {
  const [row] = await deliveryTenantQuery(db).execute(params);
  return row;
}
