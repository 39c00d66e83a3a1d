import { call, type ClientContext } from './client.js';
import type { paths } from './generated/api.js';
import type { UploadInstructions } from './types.js';

/** `GET /v1/uploads/:id/parts`: what the bucket holds of a multipart upload, and URLs for the rest. */
export type ListedParts = paths['/v1/uploads/{assetId}/parts']['get']['responses'][200]['content']['application/json'];

export function listParts(ctx: ClientContext, assetId: string, signal?: AbortSignal): Promise<ListedParts> {
  return call(ctx, 'list parts', () => ctx.api.GET('/v1/uploads/{assetId}/parts', { params: { path: { assetId } }, ...(signal ? { signal } : {}) }), {
    idempotent: true,
    signal,
  });
}

/** `POST /v1/uploads/:id/url`: a fresh URL for a PUT upload still awaiting its bytes. */
export async function renewPutUrl(ctx: ClientContext, assetId: string, signal?: AbortSignal): Promise<UploadInstructions> {
  const renewed = await call(
    ctx,
    'renew upload URL',
    () => ctx.api.POST('/v1/uploads/{assetId}/url', { params: { path: { assetId } }, ...(signal ? { signal } : {}) }),
    {
      idempotent: true,
      signal,
    },
  );
  return renewed.upload;
}
