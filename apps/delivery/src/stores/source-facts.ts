import type { DeliverySourceFacts } from '@darkroom/media';
import type { RedisConnection } from '@darkroom/queue';

/**
 * What `f_auto` must know of an original it cannot read from the asset's row (is a GIF or WebP
 * animated, has an older image transparency), found once by reading the original's header and
 * then kept: in memory, and in Redis for the other delivery processes. Per revision, like renders.
 */
export interface SourceFacts {
  get(assetId: string, revision: number): Promise<DeliverySourceFacts | null>;
  set(assetId: string, revision: number, facts: DeliverySourceFacts): void;
}

const MAX_ENTRIES = 50_000;
const REDIS_TTL_SECONDS = 7 * 24 * 3600;

export function createSourceFacts(options: { redis: RedisConnection; prefix: string }): SourceFacts {
  const known = new Map<string, DeliverySourceFacts>();
  const redisKey = (id: string) => `${options.prefix}:delivery:facts:${id}`;
  const remember = (id: string, facts: DeliverySourceFacts) => {
    if (known.size >= MAX_ENTRIES) known.delete(known.keys().next().value!);
    known.set(id, facts);
  };
  return {
    async get(assetId, revision) {
      const id = `${assetId}/${revision}`;
      const local = known.get(id);
      if (local) return local;
      const text = await options.redis.get(redisKey(id)).catch(() => null);
      if (!text) return null;
      const parsed = JSON.parse(text) as Partial<DeliverySourceFacts>;
      const facts = { animated: parsed.animated === true, hasAlpha: parsed.hasAlpha === true };
      remember(id, facts);
      return facts;
    },
    set(assetId, revision, facts) {
      const id = `${assetId}/${revision}`;
      remember(id, facts);
      options.redis.set(redisKey(id), JSON.stringify(facts), 'EX', REDIS_TTL_SECONDS).catch(() => {});
    },
  };
}
