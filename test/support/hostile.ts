import { expect } from 'vitest';
import type { Harness } from './harness.js';

/**
 * Words that must never reach a tenant or an anonymous caller: the deployment's bucket names, the
 * storage, database and Redis hosts, object key prefixes, SQL, and stack frames.
 */
export function internalWords(harness: Harness): (string | RegExp)[] {
  const { config } = harness.api;
  const hosts = [config.storage.endpoint, config.databaseUrl, config.redis.url].map((url) => new URL(url).host);
  return [
    config.storage.bucket,
    config.storage.publicBucket,
    ...hosts,
    'originals/',
    'staging/',
    'darkroom_test',
    /\bselect\b[^.]*\bfrom\b|\binsert into\b|\bupdate "?\w+"? set\b|\bdelete from\b|\$\d+\b/i, // SQL and its parameters
    /\bat \S+ \(?(file:|node:|\/)/, // a stack frame
    /\.(ts|js):\d+/,
    /postgres|redis|ECONNREFUSED/i,
  ];
}

/** A refusal in the one error shape, with its status and code, naming nothing internal. */
export function expectRefusal(harness: Harness, res: { status: number; body: any }, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body?.error?.code, JSON.stringify(res.body)).toBe(code);
  expect(typeof res.body.error?.message).toBe('string');
  expectNothingInternal(harness, res.body);
}

/** Fails when any part of a response body names an internal (see `internalWords`). */
export function expectNothingInternal(harness: Harness, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  for (const word of internalWords(harness)) {
    if (typeof word === 'string') expect(text, `names "${word}"`).not.toContain(word);
    else expect(text, `matches ${word}`).not.toMatch(word);
  }
}

/** Bodies a route validates before it looks up its ids: valid, so a refusal is about whose id it is or the caller. */
const VALID_BODIES: Record<string, unknown> = {
  'POST /v1/uploads/:assetId/sign': { operation: 'ListParts' },
  'POST /v1/assets/:id/moderation': { decision: 'reject' },
};

/**
 * What a hostile test sends a route it calls with ids that are not the caller's: no body for a read,
 * else `{}` or, for a route that checks its body first, a valid one. `route` as the OpenAPI document
 * writes it (`{assetId}`) or as Fastify does (`:assetId`).
 */
export function bodyFor(method: string, route: string): unknown {
  if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') return undefined;
  return VALID_BODIES[`${method} ${route.replace(/\{(\w+)\}/g, ':$1')}`] ?? {};
}
