import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DeliveryDeps } from '../deps.js';
import { sendRefusal } from '../errors.js';
import { serveImage, type ImageAnswer } from '../serve.js';

interface ImageParams {
  assetId: string;
  revision: string;
  options: string;
  signature?: string;
}

/** `GET|HEAD /img/{assetId}/{revision}/{options}[/{signature}]` (docs/api.md#delivery). */
export default async function imageRoutes(app: FastifyInstance, { deps }: { deps: DeliveryDeps }) {
  const handler = async (request: FastifyRequest<{ Params: ImageParams }>, reply: FastifyReply) => {
    const { assetId, revision, options, signature } = request.params;
    let answer: ImageAnswer;
    try {
      answer = await serveImage(deps, { assetId, revision, options, signature, accept: request.headers.accept });
    } catch (error) {
      deps.metrics.requests.inc({ result: 'refused' });
      return sendRefusal(request, reply, error);
    }
    deps.metrics.requests.inc({ result: answer.kind === 'redirect' ? 'redirect' : answer.result });
    if (answer.kind === 'redirect') {
      return reply.status(301).header('cache-control', 'public, max-age=60').header('location', answer.location).send();
    }
    const { stored } = answer;
    reply.header('content-type', answer.contentType).header('cache-control', answer.cacheControl).header('etag', stored.etag);
    if (answer.vary) reply.header('vary', 'Accept');
    if (request.headers['if-none-match'] === stored.etag) return reply.status(304).send();
    reply.header('content-length', String(stored.data.length));
    if (request.method === 'HEAD') return reply.send();
    deps.metrics.bytesOut.inc(stored.data.length);
    return reply.send(stored.data);
  };
  for (const url of ['/img/:assetId/:revision/:options', '/img/:assetId/:revision/:options/:signature']) {
    app.route({ method: ['GET', 'HEAD'], url, handler });
  }
}
