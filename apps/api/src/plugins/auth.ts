import { ERRORS } from '@darkroom/core/error-factories';
import { findActiveApiKey, findActiveKeyWithTenant, getActiveApiKey, hashApiKey } from '@darkroom/db/queries/api-keys';
import { findLiveUploadToken, isUploadToken } from '@darkroom/db/queries/upload-tokens';
import { isUuid } from '@darkroom/db/pagination';
import type { Tenant, UploadToken } from '@darkroom/db/schema';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { AppDeps } from '../deps.js';
import type { KeyLookup, RequestCount } from '../services/auth-cache.js';
import { enforceRateLimit } from './rate-limit.js';
import { CSRF_HEADER, passesCsrfCheck, sessionCookieValue, verifyAdminSession } from './admin-session.js';

/**
 * `via: 'cookie'`: an admin console session (see admin-session.ts), held to the CSRF check.
 * `upload_token`: a browser's `dut_…` token, let in only where a route's config says `uploadToken`.
 */
export type Principal =
  | { kind: 'admin'; via: 'bearer' | 'cookie' }
  | { kind: 'tenant'; tenant: Tenant; keyId: string }
  | { kind: 'upload_token'; tenant: Tenant; uploadToken: UploadToken };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes browser upload tokens too (on the token's own assets only), and answers CORS requests. */
    uploadToken?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** onRequest hook: a valid tenant key, else 401 (403 for admin tokens, which own no assets). */
    requireTenant: onRequestHookHandler;
    /**
     * onRequest hook: the ADMIN_TOKEN or an admin key as a bearer token, or (with no Authorization
     * header) an admin console session cookie; else 401 (403 for tenant keys, and for a cookie
     * request that changes state without passing the CSRF check).
     */
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
const sameSecret = (a: string, b: string): boolean => sameDigest(hashApiKey(a), hashApiKey(b));

/**
 * Who an admin token is, as an admin console session's subject: `root` for ADMIN_TOKEN, the key's id
 * for an admin key; null for anything else (tenant keys included).
 */
export async function adminSubject(deps: AppDeps, token: string): Promise<string | null> {
  if (sameSecret(token, deps.config.adminToken)) return 'root';
  const key = await findActiveApiKey(deps.db, { token });
  return key?.kind === 'admin' ? key.id : null;
}

async function adminKeyIsActive(deps: AppDeps, id: string): Promise<boolean> {
  const key = isUuid(id) ? await getActiveApiKey(deps.db, { id }) : undefined;
  return key?.kind === 'admin';
}

/** The admin console session in the request's cookie, if it is genuine, unexpired and its key unrevoked. */
async function cookiePrincipal(deps: AppDeps, request: FastifyRequest): Promise<Principal | null> {
  const value = sessionCookieValue(request);
  const session = value ? verifyAdminSession(deps.config.adminToken, value) : null;
  if (!session) return null;
  if (session.subject !== 'root' && !(await adminKeyIsActive(deps, session.subject))) return null;
  return { kind: 'admin', via: 'cookie' };
}

/**
 * Two SHA-256 hex digests compared in constant time. Hex strings, not Buffers: a digest as a Buffer
 * cost more than the hash itself (docs/design/api.md#one-shot-hashing-digests-as-hex), and the
 * hex keys the cache anyway.
 */
function sameDigest(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let differ = 0;
  for (let i = 0; i < a.length; i++) differ |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return differ === 0;
}

type Resolved = { principal: Principal | null; requests?: RequestCount | undefined };

const ADMIN_BEARER: Resolved = { principal: { kind: 'admin', via: 'bearer' } };

/** What a key lookup makes of a token: nobody (unknown or revoked), an admin, or a tenant with its count. */
function principalOf({ found, requests }: KeyLookup): Resolved {
  if (!found) return { principal: null };
  if (found.uploadToken) {
    // A cached token may have expired since it was looked up.
    if (found.uploadToken.expiresAt.getTime() <= Date.now()) return { principal: null };
    return { principal: { kind: 'upload_token', tenant: found.tenant, uploadToken: found.uploadToken }, requests };
  }
  if (found.key.kind === 'admin') return ADMIN_BEARER;
  return { principal: found.tenant ? { kind: 'tenant', tenant: found.tenant, keyId: found.key.id } : null, requests };
}

/**
 * Who a bearer token is. The token is hashed once: the digest is compared with ADMIN_TOKEN's (in
 * constant time) and keys the process's cache of key lookups, from which a known key comes without
 * a query.
 */
async function resolvePrincipal(deps: AppDeps, token: string, adminDigest: string): Promise<Resolved> {
  const digest = hashApiKey(token);
  if (sameDigest(digest, adminDigest)) return ADMIN_BEARER;
  return loadPrincipal(deps, token, digest);
}

/** A key's principal through the cache, from the database when the cache cannot answer. */
async function loadPrincipal(deps: AppDeps, token: string, digest: string): Promise<Resolved> {
  const load = isUploadToken(token) ? () => findLiveUploadToken(deps.db, { token }) : () => findActiveKeyWithTenant(deps.db, { token });
  return principalOf(await deps.authCache.resolve(digest, load));
}

/**
 * Whether the bearer token a tenant request came with still lets it in: the key not revoked, the
 * upload token not expired, the tenant not deleted. A live stream asks again as it goes, so a
 * credential taken back stops what it opened, not only its next request.
 */
export async function tenantCredentialHolds(deps: AppDeps, request: FastifyRequest): Promise<boolean> {
  const token = bearerToken(request);
  if (!token) return false;
  const { principal } = await loadPrincipal(deps, token, hashApiKey(token));
  return principal !== null && principal.kind !== 'admin';
}

async function authPlugin(app: FastifyInstance, opts: { deps: AppDeps }) {
  app.decorateRequest('principal', null);
  const adminDigest = hashApiKey(opts.deps.config.adminToken);

  async function authenticate(request: FastifyRequest, allowCookie = false) {
    const token = bearerToken(request);
    // An Authorization header always decides alone: a cookie never upgrades a tenant key.
    const useCookie = allowCookie && request.headers.authorization === undefined;
    const resolved = token
      ? await resolvePrincipal(opts.deps, token, adminDigest)
      : { principal: useCookie ? await cookiePrincipal(opts.deps, request) : null };
    return accept(request, resolved);
  }

  function accept(request: FastifyRequest, resolved: Resolved) {
    if (!resolved.principal) throw ERRORS.unauthorized();
    request.principal = resolved.principal;
    return { principal: resolved.principal, requests: resolved.requests };
  }

  function letTenantIn(request: FastifyRequest, reply: FastifyReply, resolved: Resolved): void {
    const { principal, requests } = accept(request, resolved);
    if (principal.kind === 'admin') {
      throw ERRORS.adminOnTenantRoute();
    }
    if (principal.kind === 'upload_token' && request.routeOptions.config.uploadToken !== true) {
      throw ERRORS.uploadTokenNotAllowed();
    }
    enforceRateLimit(reply, requests);
  }

  /**
   * A tenant key known to the cache, with its count taken without Redis, is let through at once; any
   * other key goes through `loadPrincipal`. Same outcome either way, and the token is hashed once.
   * The hook is callback-style so that the common case makes no promise and waits for no microtask:
   * an async hook's promises were the largest single cost of a request beyond the route's own work
   * (docs/design/api.md#the-tenant-hook-answers-without-a-promise).
   */
  app.decorate('requireTenant', function requireTenant(request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) {
    const settle = (resolved: Resolved) => {
      try {
        letTenantIn(request, reply, resolved);
      } catch (err) {
        return done(err as Error);
      }
      done();
    };
    const token = bearerToken(request);
    if (!token) return settle({ principal: null });
    const digest = hashApiKey(token);
    if (sameDigest(digest, adminDigest)) return settle(ADMIN_BEARER);
    const known = opts.deps.authCache.resolveNow(digest);
    if (known) return settle(principalOf(known));
    loadPrincipal(opts.deps, token, digest).then(settle, (err: Error) => done(err));
  });

  app.decorate('requireAdmin', async function requireAdmin(request: FastifyRequest) {
    const { principal } = await authenticate(request, true);
    if (principal.kind !== 'admin') throw ERRORS.adminOnly();
    if (principal.via === 'cookie' && !passesCsrfCheck(request)) {
      throw ERRORS.csrfHeaderMissing(CSRF_HEADER);
    }
  });
}

export default fp(authPlugin, { name: 'darkroom-auth' });

/** The tenant of a request that passed `requireTenant` (with a tenant key, or an upload token where a route takes one). */
export function tenantOf(request: FastifyRequest): Tenant {
  const principal = request.principal;
  if (principal?.kind !== 'tenant' && principal?.kind !== 'upload_token') throw ERRORS.noTenantKey();
  return principal.tenant;
}

/** The key of a request made with a tenant key, else null (an upload token). */
export function tenantKeyIdOf(request: FastifyRequest): string | null {
  return request.principal?.kind === 'tenant' ? request.principal.keyId : null;
}

/** The upload token of a request made with one, else undefined (a tenant key). */
export function uploadTokenOf(request: FastifyRequest): UploadToken | undefined {
  return request.principal?.kind === 'upload_token' ? request.principal.uploadToken : undefined;
}

/** Which assets a request reaches: its tenant's, and with an upload token only those that token started. */
export interface AssetScope {
  tenantId: string;
  uploadTokenId?: string | undefined;
}

export function assetScopeOf(request: FastifyRequest): AssetScope {
  return { tenantId: tenantOf(request).id, uploadTokenId: uploadTokenOf(request)?.id };
}
