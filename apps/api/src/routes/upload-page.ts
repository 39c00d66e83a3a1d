import { ERRORS } from '@darkroom/core/error-factories';
import { VARIANT_CACHE_CONTROL } from '@darkroom/core/keys';
import fastifyHelmet from '@fastify/helmet';
import type { StorageConfig } from '@darkroom/storage';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { type CspDirectives, pageHelmetOptions } from '../plugins/security-headers.js';
import { loadUploadPage } from '../services/upload-page-files.js';

/**
 * The page may run only its own script and style, talk only to this API and to the bucket's
 * presigned URLs (path-style, so on S3_ENDPOINT's origin), and show images only from here, the
 * CDN (CDN_BASE_URL, else the bucket), the delivery server (DELIVERY_BASE_URL: its thumbnails and
 * srcsets) and data: (the ThumbHash placeholders it draws); and play a video's renditions and audio
 * from the CDN (else the bucket). A stream (HLS) plays through hls.js, which fetches its playlists
 * and segments from the CDN by script and hands them to the `<video>` as a blob: media source.
 * A private file (an upload token minted `private`) is shown from the delivery server's private
 * links (`/p/`) alone: its images, its renditions and audio, and its stream's files, by script too.
 */
export function uploadPageCsp(storage: Pick<StorageConfig, 'endpoint' | 'cdnBaseUrl'>, deliveryBaseUrl: string): CspDirectives {
  const bucket = new URL(storage.endpoint).origin;
  const cdn = storage.cdnBaseUrl ? new URL(storage.cdnBaseUrl).origin : bucket;
  const delivery = new URL(deliveryBaseUrl).origin;
  return {
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': [...new Set(["'self'", 'data:', cdn, bucket, delivery])],
    'media-src': [...new Set([cdn, bucket, delivery, 'blob:'])],
    'connect-src': [...new Set(["'self'", bucket, cdn, delivery])],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
    'base-uri': ["'none'"],
  };
}

const AssetParams = z.object({ name: z.string().max(200) });

/**
 * `GET /upload`: the static upload page (packages/upload-page), no auth. The token it works with
 * comes in the URL fragment, which browsers never send, so nothing here sees it. Its assets are
 * named by content hash and cached for good; the HTML is revalidated each time, so a deploy shows.
 */
const uploadPageRoutes: FastifyPluginAsyncZod<{ deps: Pick<AppDeps, 'config'>; dist?: string }> = async (app, { deps, dist }) => {
  const files = await loadUploadPage(dist);
  if (!files) app.log.warn('the upload page is not built (npm run build): GET /upload answers 404');
  const csp = uploadPageCsp(deps.config.storage, deps.config.deliveryBaseUrl);
  await app.register(fastifyHelmet, pageHelmetOptions({ csp, referrerPolicy: 'no-referrer' }));

  app.get('/upload', { schema: { hide: true } }, async (_request, reply) => {
    if (!files) throw ERRORS.uploadPageNotInstalled();
    return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(files.html);
  });

  // Relative asset URLs resolve against /upload, not /upload/: send a trailing slash back to it.
  app.get('/upload/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/upload', 301));

  app.get('/upload/assets/:name', { schema: { hide: true, params: AssetParams } }, async (request, reply) => {
    const asset = files?.assets.get(request.params.name);
    if (!asset) throw ERRORS.fileNotFound();
    return reply.header('content-type', asset.contentType).header('cache-control', VARIANT_CACHE_CONTROL).send(asset.body);
  });
};

export default uploadPageRoutes;
