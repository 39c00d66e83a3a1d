import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { z } from 'zod';

/** Where Redis is: one server (`url`), or a Redis Cluster (`clusterNodes`, which wins when set). */
export interface RedisSettings {
  url: string;
  clusterNodes: { host: string; port: number }[] | null;
}

export type RedisConnection = Redis | Cluster;

/** `host:port,host:port,…` (REDIS_CLUSTER_NODES) → nodes; null when unset or blank. Throws on a malformed entry. */
export function parseClusterNodes(value: string | undefined): RedisSettings['clusterNodes'] {
  if (!value?.trim()) return null;
  return value.split(',').map((entry) => {
    const match = /^\s*([^\s:]+):(\d{1,5})\s*$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) throw new Error(`"${entry.trim()}" is not host:port`);
    return { host: match[1]!, port };
  });
}

/**
 * Every Redis connection of both apps comes from here, so cluster mode is one setting. In a
 * cluster, every key a BullMQ script touches must hash to one slot: the queue prefix carries a
 * `{hash tag}` (QUEUE_PREFIX, checked at boot), and so must any other multi-key command's keys.
 */
export function createRedisConnection(settings: RedisSettings, options: RedisOptions = {}, clusterOptions: ClusterOptions = {}): RedisConnection {
  if (!settings.clusterNodes) return new Redis(settings.url, options);
  const { enableOfflineQueue, ...nodeOptions } = options;
  return new Cluster(settings.clusterNodes, {
    ...clusterOptions,
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    redisOptions: nodeOptions,
  });
}

/** A QUEUE_PREFIX is safe for a cluster only with a `{hash tag}`: BullMQ's scripts touch many keys at once. */
export function hasHashTag(prefix: string): boolean {
  return /\{[^{}]+\}/.test(prefix);
}

/** REDIS_CLUSTER_NODES as a zod setting: unset → null (one server at REDIS_URL). */
export function clusterNodesSetting() {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        return parseClusterNodes(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `${(error as Error).message} (expected host:port,host:port,…)` });
        return z.NEVER;
      }
    });
}

/**
 * Both apps' Redis settings from their parsed environment. Throws naming QUEUE_PREFIX when cluster
 * mode is on and the prefix has no hash tag: BullMQ would fail with CROSSSLOT on its first script.
 */
export function redisSettings(env: { REDIS_URL: string; REDIS_CLUSTER_NODES: RedisSettings['clusterNodes']; QUEUE_PREFIX: string }): RedisSettings {
  if (env.REDIS_CLUSTER_NODES && !hasHashTag(env.QUEUE_PREFIX)) {
    throw new Error(`QUEUE_PREFIX: "${env.QUEUE_PREFIX}" needs a {hash tag} (e.g. {darkroom}) when REDIS_CLUSTER_NODES is set`);
  }
  return { url: env.REDIS_URL, clusterNodes: env.REDIS_CLUSTER_NODES };
}

/**
 * The Redis key every API process's auth cache watches (apps/api's auth-cache): a change to keys
 * or tenant settings bumps it after its commit, and each process then loads them afresh.
 */
export function authEpochKey(prefix: string): string {
  return `${prefix}:auth-epoch`;
}
