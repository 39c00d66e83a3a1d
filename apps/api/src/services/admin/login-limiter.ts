import type { RedisConnection } from '@darkroom/queue';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface LoginLimiter {
  /**
   * Counts an attempt from this client before its token is looked at, and answers how many seconds
   * it must wait (the attempt is refused), or 0 when it may go on. Counting first, in one atomic
   * step in Redis, is what holds the limit when guesses arrive concurrently: each takes a slot of its own.
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

/**
 * Admin login attempts per client IP, counted in Redis (rate-limiter-flexible's fixed window, keys
 * `<prefix>:login-failures:<ip>`) so every API process shares them. The window starts at the first
 * attempt and is not extended by later ones, so a blocked client always knows when it may try
 * again. Without Redis, logins are not limited (the token is still 32+ characters).
 */
export function createLoginLimiter(options: LoginLimiterOptions): LoginLimiter {
  const limiter = new RateLimiterRedis({
    storeClient: options.redis,
    keyPrefix: `${options.prefix}:login-failures`,
    points: options.maxFailures,
    duration: options.windowMs / 1000,
  });
  return {
    async attempt(ip) {
      try {
        await limiter.consume(ip);
        return 0;
      } catch (refusal) {
        // A refusal is a RateLimiterRes; anything else means Redis is away, and the attempt goes
        // uncounted rather than the console refusing everyone.
        return refusal instanceof RateLimiterRes ? Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) : 0;
      }
    },
    async succeeded(ip) {
      try {
        await limiter.reward(ip);
      } catch {
        // Redis is away: nothing was counted either.
      }
    },
  };
}
