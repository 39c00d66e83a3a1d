import { timingSafeEqual, createHash } from 'node:crypto';
import { DarkroomError } from '@darkroom/core';
import { findActiveApiKey, getTenant, type Tenant } from '@darkroom/db';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { AppDeps } from '../deps.js';

export type Principal = { kind: 'admin' } | { kind: 'tenant'; tenant: Tenant; keyId: string };

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** onRequest hook: a valid tenant key, else 401 (403 for admin tokens, which own no assets). */
    requireTenant: onRequestAsyncHookHandler;
    /** onRequest hook: the ADMIN_TOKEN or an admin key, else 401 (403 for tenant keys). */
    requireAdmin: onRequestAsyncHookHandler;
  }
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

// Hash both sides first so the comparison takes the same time whatever the lengths.
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

async function resolvePrincipal(deps: AppDeps, token: string): Promise<Principal | null> {
  if (sameSecret(token, deps.config.adminToken)) return { kind: 'admin' };
  const key = await findActiveApiKey(deps.db, { token });
  if (!key) return null;
  if (key.kind === 'admin') return { kind: 'admin' };
  const tenant = key.tenantId ? await getTenant(deps.db, { id: key.tenantId }) : undefined;
  return tenant ? { kind: 'tenant', tenant, keyId: key.id } : null;
}

const unauthorized = () =>
  new DarkroomError('unauthorized', 'Send a valid API key as "Authorization: Bearer <key>"; this one is missing, unknown or revoked.');

async function authPlugin(app: FastifyInstance, opts: { deps: AppDeps }) {
  app.decorateRequest('principal', null);

  async function authenticate(request: FastifyRequest): Promise<Principal> {
    const token = bearerToken(request);
    const principal = token ? await resolvePrincipal(opts.deps, token) : null;
    if (!principal) throw unauthorized();
    request.principal = principal;
    return principal;
  }

  app.decorate('requireTenant', async function requireTenant(request: FastifyRequest) {
    const principal = await authenticate(request);
    if (principal.kind !== 'tenant') {
      throw new DarkroomError('forbidden', 'This route takes a tenant API key; admin tokens own no assets.');
    }
  });

  app.decorate('requireAdmin', async function requireAdmin(request: FastifyRequest) {
    const principal = await authenticate(request);
    if (principal.kind !== 'admin') throw new DarkroomError('forbidden', 'This route is for admins only.');
  });
}

export default fp(authPlugin, { name: 'darkroom-auth' });

/** The tenant of a request that passed `requireTenant`. */
export function tenantOf(request: FastifyRequest): Tenant {
  if (request.principal?.kind !== 'tenant') throw new DarkroomError('unauthorized', 'No tenant key on this request.');
  return request.principal.tenant;
}
