import type { RedisConnection } from '@darkroom/queue';

export interface LoginLimiter {
  /** Seconds until this client may try again, or 0 when it may try now. */
  blockedFor(ip: string): Promise<number>;
  /** Counts a failed attempt from this client. */
  recordFailure(ip: string): Promise<void>;
}

export interface LoginLimiterOptions {
  redis: RedisConnection;
  prefix: string;
  /** Failed attempts allowed per client IP per window (spec: 10 per 15 minutes). */
  maxFailures: number;
  windowMs: number;
}

/**
 * Failed admin logins per client IP, counted in Redis so every API process shares them. The window
 * starts at the first failure and is not extended by later ones, so a blocked client always knows
 * when it may try again. Without Redis, logins are not limited (the token is still 32+ characters).
 */
export function createLoginLimiter(options: LoginLimiterOptions): LoginLimiter {
  const keyOf = (ip: string) => `${options.prefix}:login-failures:${ip}`;
  return {
    async blockedFor(ip) {
      try {
        const results = (await options.redis.pipeline().get(keyOf(ip)).pttl(keyOf(ip)).exec()) ?? [];
        const failures = Number(results[0]?.[1] ?? 0);
        const ttlMs = Number(results[1]?.[1] ?? 0);
        return failures >= options.maxFailures && ttlMs > 0 ? Math.ceil(ttlMs / 1000) : 0;
      } catch {
        return 0;
      }
    },
    async recordFailure(ip) {
      try {
        await options.redis.pipeline().incr(keyOf(ip)).pexpire(keyOf(ip), options.windowMs, 'NX').exec();
      } catch {
        // Redis is away: the attempt goes uncounted rather than the console refusing everyone.
      }
    },
  };
}
