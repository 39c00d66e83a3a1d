import { Readable } from 'node:stream';
import { ObjectRangeError } from '@darkroom/storage';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DeliveryDeps } from '../deps.js';
import { executeImageRequest } from '../request/execute.js';
import { privateImageAccess, resolvePrivateLink, type PrivateLinkRequest, type ResolvedPrivateLink } from '../request/private-link.js';
import { openAssetObject } from '../request/private-object.js';
import { privateMaxAge } from '../request/private-token.js';
import {
  PRIVATE_REFUSAL_CACHING,
  privateCaching,
  writeObjectHeaders,
  writePrivateCorsHeaders,
  writePrivatePreflightHeaders,
  writeUnsatisfiableRangeHeaders,
  type AnswerCaching,
} from './answer-headers.js';
import { parseRangeRequest } from './byte-range.js';
import { replyWithImage } from './image-reply.js';
import { sendRefusal } from './refusals.js';

/** Whether a request's URL is a private link's: its refusals are never kept, and carry CORS. */
export const isPrivateLinkUrl = (url: string) => url.startsWith('/p/');

/** A refusal of a private link, wherever it is made (the router's own included). */
export function sendPrivateRefusal(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  writePrivateCorsHeaders(reply);
  return sendRefusal(request, reply, error, PRIVATE_REFUSAL_CACHING);
}

/** `/p/{exp}/{sig}/{assetId}/{rest}` as sent: the path read undecoded, so no encoding reaches a key. */
function linkOf(url: string): PrivateLinkRequest | null {
  const path = url.split('?', 1)[0]!;
  const match = /^\/p\/([^/]*)\/([^/]*)\/([^/]*)\/(.*)$/.exec(path);
  if (!match) return null;
  const [, exp, signature, assetId, rest] = match as unknown as [string, string, string, string, string];
  return { exp, signature, assetId, rest };
}

/**
 * `GET|HEAD|OPTIONS /p/{exp}/{sig}/{assetId}/{rest}` (docs/delivery.md#private-media): every object
 * and on-demand render of one asset through one token, with CORS for any origin, `Range` (with
 * `If-Range`), and a `max-age` never past the token's `exp`, revalidated once past.
 */
export default async function privateRoutes(app: FastifyInstance, { deps }: { deps: DeliveryDeps }) {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    writePrivateCorsHeaders(reply);
    const nowSeconds = Date.now() / 1000;
    let link: ResolvedPrivateLink;
    try {
      const sent = linkOf(request.url);
      if (!sent) throw Object.assign(new Error('no such route'), { statusCode: 404 });
      link = await resolvePrivateLink(deps.catalog, sent, nowSeconds);
      request.usageTenant = link.found.asset.tenantId;
    } catch (error) {
      deps.metrics.requests.inc({ result: 'refused' });
      return sendPrivateRefusal(request, reply, error);
    }
    const caching = privateCaching(privateMaxAge(link.token, nowSeconds, deps.config.privateCacheMaxAgeSeconds));
    if (link.target.kind === 'image') {
      const { revision, options, signature } = link.target;
      const sent = { assetId: link.found.asset.id, revision, options, signature, accept: request.headers.accept };
      return replyWithImage(deps, request, reply, caching, () => executeImageRequest(deps, sent, privateImageAccess(deps.catalog, link)));
    }
    return replyWithObject(deps, request, reply, link, link.target.key, caching);
  };
  app.route({ method: ['GET', 'HEAD'], url: '/p/*', handler });
  app.options('/p/*', async (_request, reply) => {
    writePrivatePreflightHeaders(reply);
    return reply.status(204).send();
  });
}

/** One of the asset's objects, as the bucket answers it (206, 304, 416): from this process's memory, or streamed from the bucket. */
async function replyWithObject(
  deps: DeliveryDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  link: ResolvedPrivateLink,
  key: string,
  caching: AnswerCaching,
): Promise<FastifyReply> {
  const method = request.method === 'HEAD' ? 'HEAD' : 'GET';
  const ifNoneMatch = request.headers['if-none-match'];
  try {
    const sources = { storage: deps.storage, buckets: deps.config.storage, held: deps.objects, collector: deps.collector };
    const object = await openAssetObject(sources, link.found.asset, {
      key,
      method,
      range: parseRangeRequest(request.headers),
      ifNoneMatch: typeof ifNoneMatch === 'string' ? ifNoneMatch : undefined,
    });
    deps.metrics.requests.inc({ result: 'hit' });
    writeObjectHeaders(reply, object, caching);
    reply.status(object.status);
    if (!object.body) return reply.send();
    if (object.status === 304) {
      if (object.body instanceof Readable) object.body.resume();
      return reply.send();
    }
    deps.metrics.bytesOut.inc(object.length);
    return reply.send(object.body);
  } catch (error) {
    if (error instanceof ObjectRangeError) {
      deps.metrics.requests.inc({ result: 'refused' });
      writeUnsatisfiableRangeHeaders(reply, error.size);
      return reply.status(416).send();
    }
    deps.metrics.requests.inc({ result: 'refused' });
    return sendPrivateRefusal(request, reply, error);
  }
}
