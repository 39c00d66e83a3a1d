import { call, type ClientContext } from './client.js';
import type { UploadInstructions } from './types.js';

/** `GET /v1/uploads/:id/parts`: what the bucket holds of a multipart upload, and URLs for the rest. */
export interface ListedParts {
  partSize: number;
  uploaded: { partNumber: number; etag: string; size: number }[];
  parts: { partNumber: number; url: string }[];
  expiresAt: string;
}

type Untyped<T> = { data?: T; error?: unknown; response: Response };

async function rawJson<T>(ctx: ClientContext, method: string, path: string, signal?: AbortSignal): Promise<Untyped<T>> {
  const response = await ctx.fetch(`${ctx.baseUrl}${path}`, {
    method,
    headers: { authorization: await ctx.authorization(), ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
    ...(method === 'POST' ? { body: '{}' } : {}),
    ...(signal ? { signal } : {}),
  });
  const body = await response.json().catch(() => undefined);
  return response.ok ? { data: body as T, response } : { error: body, response };
}

export function listParts(ctx: ClientContext, assetId: string, signal?: AbortSignal): Promise<ListedParts> {
  return call(ctx, 'list parts', () => rawJson<ListedParts>(ctx, 'GET', `/v1/uploads/${encodeURIComponent(assetId)}/parts`, signal), { idempotent: true, signal });
}

/** `POST /v1/uploads/:id/url`: a fresh URL for a PUT upload still awaiting its bytes. */
export async function renewPutUrl(ctx: ClientContext, assetId: string, signal?: AbortSignal): Promise<UploadInstructions> {
  const renewed = await call(ctx, 'renew upload URL', () => rawJson<{ upload: UploadInstructions }>(ctx, 'POST', `/v1/uploads/${encodeURIComponent(assetId)}/url`, signal), {
    idempotent: true,
    signal,
  });
  return renewed.upload;
}
