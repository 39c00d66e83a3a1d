import { call, type ClientContext } from './client.js';
import type { paths } from './generated/api.js';
import type { JsonBody, StartImportBody } from './types.js';

type Query<Path extends keyof paths> = paths[Path]['get'] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/**
 * The routes a platform's backend calls, typed from the OpenAPI document; each resolves with the
 * reply's body or throws a DarkroomError. Every other route is typed too, on `client.api`.
 */
export function backendRoutes(ctx: ClientContext) {
  const { api } = ctx;
  const id = (value: string) => ({ params: { path: { id: value } } });
  const read = { idempotent: true };
  return {
    /** `GET /v1/tenant`: the caller's own settings. */
    tenant: () => call(ctx, 'get tenant', () => api.GET('/v1/tenant'), read),
    assets: {
      get: (assetId: string) => call(ctx, 'get asset', () => api.GET('/v1/assets/{id}', id(assetId)), read),
      list: (query: Query<'/v1/assets'> = {}) => call(ctx, 'list assets', () => api.GET('/v1/assets', { params: { query } }), read),
      delete: (assetId: string) => call(ctx, 'delete asset', () => api.DELETE('/v1/assets/{id}', id(assetId)), read),
      jobs: (assetId: string) => call(ctx, 'list jobs', () => api.GET('/v1/assets/{id}/jobs', id(assetId)), read),
    },
    /** Admin token only. */
    tenants: {
      create: (body: JsonBody<'/v1/admin/tenants', 'post'>) => call(ctx, 'create tenant', () => api.POST('/v1/admin/tenants', { body })),
      get: (tenantId: string) => call(ctx, 'get tenant', () => api.GET('/v1/admin/tenants/{id}', id(tenantId)), read),
      update: (tenantId: string, body: JsonBody<'/v1/admin/tenants/{id}', 'patch'>) =>
        call(ctx, 'update tenant', () => api.PATCH('/v1/admin/tenants/{id}', { ...id(tenantId), body })),
      /** An upload token for one of the tenant's browser sessions (shown once). */
      createUploadToken: (tenantId: string, body: JsonBody<'/v1/admin/tenants/{id}/upload-tokens', 'post'> = {}) =>
        call(ctx, 'create upload token', () => api.POST('/v1/admin/tenants/{id}/upload-tokens', { ...id(tenantId), body })),
      /** Another API key of the tenant (shown once). */
      createKey: (tenantId: string) => call(ctx, 'create key', () => api.POST('/v1/admin/tenants/{id}/keys', id(tenantId))),
    },
    /** Admin token only. */
    keys: {
      createAdminKey: () => call(ctx, 'create admin key', () => api.POST('/v1/admin/keys')),
      revoke: (keyId: string) => call(ctx, 'revoke key', () => api.DELETE('/v1/admin/keys/{id}', id(keyId)), read),
    },
    /** Tenant key only: a short-lived token a browser uploads with, never the key itself. */
    uploadTokens: {
      create: (body: JsonBody<'/v1/upload-tokens', 'post'> = {}) => call(ctx, 'create upload token', () => api.POST('/v1/upload-tokens', { body })),
    },
    webhooks: {
      create: (body: JsonBody<'/v1/webhooks', 'post'>) => call(ctx, 'create webhook', () => api.POST('/v1/webhooks', { body })),
      list: () => call(ctx, 'list webhooks', () => api.GET('/v1/webhooks'), read),
      update: (webhookId: string, body: JsonBody<'/v1/webhooks/{id}', 'patch'>) =>
        call(ctx, 'update webhook', () => api.PATCH('/v1/webhooks/{id}', { ...id(webhookId), body })),
      delete: (webhookId: string) => call(ctx, 'delete webhook', () => api.DELETE('/v1/webhooks/{id}', id(webhookId)), read),
      rotateSecret: (webhookId: string) => call(ctx, 'rotate secret', () => api.POST('/v1/webhooks/{id}/rotate-secret', id(webhookId))),
      deliveries: (webhookId: string, query: Query<'/v1/webhooks/{id}/deliveries'> = {}) =>
        call(ctx, 'list deliveries', () => api.GET('/v1/webhooks/{id}/deliveries', { params: { path: { id: webhookId }, query } }), read),
      redeliver: (eventId: string, body: JsonBody<'/v1/events/{id}/redeliver', 'post'> = {}) =>
        call(ctx, 'redeliver event', () => api.POST('/v1/events/{id}/redeliver', { ...id(eventId), body })),
    },
    /** Tenant key only: a library brought in from a bucket or a list of URLs (follow one with `imports.follow`). */
    imports: {
      /** Not retried: a second call would start a second import (its items then skipped, as already imported). */
      start: (body: StartImportBody) => call(ctx, 'start import', () => api.POST('/v1/imports', { body })),
      get: (importId: string) => call(ctx, 'get import', () => api.GET('/v1/imports/{id}', id(importId)), read),
      list: (query: Query<'/v1/imports'> = {}) => call(ctx, 'list imports', () => api.GET('/v1/imports', { params: { query } }), read),
      items: (importId: string, query: Query<'/v1/imports/{id}/items'> = {}) =>
        call(ctx, 'list import items', () => api.GET('/v1/imports/{id}/items', { params: { path: { id: importId }, query } }), read),
      // Each answers an import already where it was asked to go as it is: safe to send again.
      pause: (importId: string) => call(ctx, 'pause import', () => api.POST('/v1/imports/{id}/pause', id(importId)), read),
      resume: (importId: string) => call(ctx, 'resume import', () => api.POST('/v1/imports/{id}/resume', id(importId)), read),
      cancel: (importId: string) => call(ctx, 'cancel import', () => api.POST('/v1/imports/{id}/cancel', id(importId)), read),
    },
    presets: {
      list: () => call(ctx, 'list presets', () => api.GET('/v1/presets'), read),
      put: (name: string, body: JsonBody<'/v1/presets/{name}', 'put'>) =>
        call(ctx, 'put preset', () => api.PUT('/v1/presets/{name}', { params: { path: { name } }, body }), read),
      delete: (name: string) => call(ctx, 'delete preset', () => api.DELETE('/v1/presets/{name}', { params: { path: { name } } }), read),
      backfill: (name: string, body: JsonBody<'/v1/presets/{name}/backfill', 'post'> = {}) =>
        call(ctx, 'backfill preset', () => api.POST('/v1/presets/{name}/backfill', { params: { path: { name } }, body })),
    },
  };
}

export type BackendRoutes = ReturnType<typeof backendRoutes>;
