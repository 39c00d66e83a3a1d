import { ERRORS } from '@darkroom/core/error-factories';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * JSON bodies as Fastify parses them (prototype and constructor poisoning refused), and refused with
 * `400 invalid_request` when a string or key holds a NUL character: Postgres stores none in text or
 * JSON, so such a body reached the database and failed there as a 500, on any route.
 */

/** The one way JSON spells a NUL (a raw one is no valid JSON): only a body holding it is walked. */
const NUL_ESCAPE = /\\u0000/i;

/** Whether any string or key in a parsed body holds a NUL; a loop, not recursion, whatever its depth. */
export function holdsNul(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      if (next.includes('\u0000')) return true;
    } else if (Array.isArray(next)) {
      pending.push(...next);
    } else if (next !== null && typeof next === 'object') {
      for (const [key, inner] of Object.entries(next)) {
        if (key.includes('\u0000')) return true;
        pending.push(inner);
      }
    }
  }
  return false;
}

async function jsonBodyPlugin(app: FastifyInstance) {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parseJson(request, body as string, (error, parsed) => {
      if (error) return done(error, undefined);
      if (NUL_ESCAPE.test(body as string) && holdsNul(parsed)) return done(ERRORS.nulInBody(), undefined);
      done(null, parsed);
    });
  });
}

export default fp(jsonBodyPlugin, { name: 'darkroom-json-body' });
