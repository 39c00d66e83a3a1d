import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DeliveryDeps } from '../deps.js';
import { publicAccess } from '../request/authorize.js';
import { executeImageRequest } from '../request/execute.js';
import { PUBLIC_CACHING, writePublicCorsHeaders } from './answer-headers.js';
import { replyWithImage } from './image-reply.js';

interface ImageParams {
  assetId: string;
  revision: string;
  options: string;
  signature?: string;
}

/** `GET|HEAD /img/{assetId}/{revision}/{options}[/{signature}]` (docs/api.md#delivery). */
export default async function imageRoutes(app: FastifyInstance, { deps }: { deps: DeliveryDeps }) {
  const access = publicAccess(deps.catalog);
  const handler = async (request: FastifyRequest<{ Params: ImageParams }>, reply: FastifyReply) => {
    const { assetId, revision, options, signature } = request.params;
    const sent = { assetId, revision, options, signature, accept: request.headers.accept };
    writePublicCorsHeaders(reply);
    return replyWithImage(deps, request, reply, PUBLIC_CACHING, () => executeImageRequest(deps, sent, access));
  };
  for (const url of ['/img/:assetId/:revision/:options', '/img/:assetId/:revision/:options/:signature']) {
    app.route({ method: ['GET', 'HEAD'], url, handler });
  }
}
