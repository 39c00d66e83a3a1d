import { Cluster } from 'ioredis';
import type { RedisConnection } from './redis.js';

/**
 * What the API and the worker tell every delivery process at once, over Redis pub/sub, so none
 * serves from its cached lookups what has just changed: an asset's visibility (the public routes
 * answer for it as for an unknown id from the API's answer on), a tenant's delivery keys (a revoked
 * key refused at once), an asset turned playable or ready (its absence, looked up while it
 * processed, forgotten). Without Redis the lookups' life (DELIVERY_LOOKUP_TTL_MS) bounds how long a
 * change takes.
 */
export type DeliveryChange = { asset: string } | { tenant: string };

const channelOf = (prefix: string) => `${prefix}:delivery:changes`;

/** Tells the delivery processes of this deployment (its queue prefix) of a change; false when Redis did not take it. */
export async function announceDeliveryChange(redis: RedisConnection, prefix: string, change: DeliveryChange): Promise<boolean> {
  try {
    await redis.publish(channelOf(prefix), JSON.stringify(change));
    return true;
  } catch {
    return false;
  }
}

export interface DeliveryChangeListener {
  close(): void;
}

/** Hears every change announced for this deployment, on a connection of its own (a subscriber can send nothing else). */
export function listenForDeliveryChanges(redis: RedisConnection, prefix: string, onChange: (change: DeliveryChange) => void): DeliveryChangeListener {
  const subscriber =
    redis instanceof Cluster ? redis.duplicate(undefined, { enableOfflineQueue: true }) : redis.duplicate({ enableOfflineQueue: true });
  subscriber.on('error', () => {}); // it reconnects by itself; meanwhile the lookups' life bounds every change
  subscriber.subscribe(channelOf(prefix)).catch(() => {});
  subscriber.on('message', (_channel: string, message: string) => {
    const change = parseChange(message);
    if (change) onChange(change);
  });
  return { close: () => subscriber.disconnect() };
}

function parseChange(message: string): DeliveryChange | null {
  try {
    const parsed = JSON.parse(message) as Record<string, unknown>;
    if (typeof parsed.asset === 'string') return { asset: parsed.asset };
    if (typeof parsed.tenant === 'string') return { tenant: parsed.tenant };
  } catch {
    // Not ours: nothing to drop.
  }
  return null;
}
