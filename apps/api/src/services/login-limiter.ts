import type { RedisConnection } from '@darkroom/queue';

export interface LoginLimiter {
  /**
   * Counts an attempt from this client before its token is looked at, and answers how many seconds
   * it must wait (the attempt is refused), or 0 when it may go on. Counting first, in one atomic
   * INCR, is what holds the limit when guesses arrive concurrently: each takes a slot of its own.
   */
  attempt(ip: string): Promise<number>;
  /** Gives back the slot of an attempt that logged in: only failures count against the client. */
  succeeded(ip: string): Promise<void>;
}

export interface LoginLimiterOptions {
  redis: RedisConnection;
  prefix: string;
  /** Failed attempts allowed per client IP per window (spec: 10 per 15 minutes). */
  maxFailures: number;
  windowMs: number;
}

/** DECR only while the window's key exists: a late refund must not start a key without an expiry. */
const REFUND = "if redis.call('exists', KEYS[1]) == 1 then return redis.call('decr', KEYS[1]) end return 0";

/**
 * Admin login attempts per client IP, counted in Redis so every API process shares them. The window
 * starts at the first attempt and is not extended by later ones, so a blocked client always knows
 * when it may try again. Without Redis, logins are not limited (the token is still 32+ characters).
 */
export function createLoginLimiter(options: LoginLimiterOptions): LoginLimiter {
  const keyOf = (ip: string) => `${options.prefix}:login-failures:${ip}`;
  return {
    async attempt(ip) {
      try {
        const key = keyOf(ip);
        const results = (await options.redis.pipeline().incr(key).pexpire(key, options.windowMs, 'NX').pttl(key).exec()) ?? [];
        const attempts = Number(results[0]?.[1] ?? 0);
        const ttlMs = Number(results[2]?.[1] ?? 0);
        return attempts > options.maxFailures ? Math.max(1, Math.ceil(ttlMs / 1000)) : 0;
      } catch {
        // Redis is away: the attempt goes uncounted rather than the console refusing everyone.
        return 0;
      }
    },
    async succeeded(ip) {
      try {
        await options.redis.eval(REFUND, 1, keyOf(ip));
      } catch {
        // Redis is away: nothing was counted either.
      }
    },
  };
}
