import { randomUUID } from 'node:crypto';
import { createRedisConnection, type RedisConnection } from '@darkroom/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginLimiter } from './login-limiter.js';

/** Two limiters on one prefix stand for two API processes of a deployment, against the real Redis. */
let redis: RedisConnection;
const prefix = `{login-test-${randomUUID()}}`;
const WINDOW_MS = 15 * 60_000;

beforeAll(() => {
  redis = createRedisConnection({ url: process.env.REDIS_URL!, clusterNodes: null }, { enableAutoPipelining: true });
});
afterAll(() => redis?.disconnect());

const limiters = () => [0, 1].map(() => createLoginLimiter({ redis, prefix, maxFailures: 10, windowMs: WINDOW_MS }));

describe('login limiter', () => {
  it('lets 10 attempts per IP through across processes, then answers the seconds left in the window', async () => {
    const [one, two] = limiters();
    const ip = '198.51.100.1';
    const answers = await Promise.all(Array.from({ length: 14 }, (_, i) => (i % 2 ? one! : two!).attempt(ip)));
    expect(answers.filter((wait) => wait === 0)).toHaveLength(10);
    for (const wait of answers.filter((w) => w > 0)) {
      expect(wait).toBeGreaterThan(14 * 60);
      expect(wait).toBeLessThanOrEqual(15 * 60);
    }
    // The count and its window sit under the key the console has always used, with an expiry.
    expect(await redis.get(`${prefix}:login-failures:${ip}`)).toBe('14');
    expect(await redis.pttl(`${prefix}:login-failures:${ip}`)).toBeGreaterThan(14 * 60_000);
    expect(await one!.attempt('198.51.100.2')).toBe(0);
  });

  it('gives a successful login its slot back, so only failures count', async () => {
    const [one] = limiters();
    const ip = '198.51.100.3';
    for (let i = 0; i < 30; i++) {
      expect(await one!.attempt(ip)).toBe(0);
      await one!.succeeded(ip);
    }
    expect(await redis.get(`${prefix}:login-failures:${ip}`)).toBe('0');
  });

  it('lets logins through, uncounted, while Redis is away', async () => {
    const away = createRedisConnection(
      { url: 'redis://127.0.0.1:1', clusterNodes: null },
      { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true },
    );
    away.on('error', () => {});
    const limiter = createLoginLimiter({ redis: away, prefix, maxFailures: 1, windowMs: WINDOW_MS });
    for (let i = 0; i < 3; i++) expect(await limiter.attempt('198.51.100.4')).toBe(0);
    await limiter.succeeded('198.51.100.4');
    away.disconnect();
  });
});
