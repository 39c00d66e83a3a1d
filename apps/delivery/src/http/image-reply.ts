import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DeliveryDeps } from '../deps.js';
import type { ImageAnswer, StoredImageAnswer } from '../request/answer.js';
import { etagMatches } from '../request/private-object.js';
import {
  writeImageHeaders,
  writeImageLengthHeaders,
  writeRedirectHeaders,
  writeUnsatisfiableRangeHeaders,
  type AnswerCaching,
} from './answer-headers.js';
import { parseRangeRequest, rangeHolds, resolveByteRange } from './byte-range.js';
import { sendRefusal } from './refusals.js';

/**
 * An image request's answer on the wire, with `caching`'s headers: the image (304 when the client
 * holds its ETag, no body to HEAD), a redirect, or the refusal it was; each counted by result.
 */
export async function replyWithImage(
  deps: DeliveryDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  caching: AnswerCaching,
  answering: () => Promise<ImageAnswer>,
): Promise<FastifyReply> {
  let answer: ImageAnswer;
  try {
    answer = await answering();
  } catch (error) {
    deps.metrics.requests.inc({ result: 'refused' });
    return sendRefusal(request, reply, error, caching);
  }
  request.usageTenant = answer.tenantId;
  if (answer.kind === 'redirect') {
    deps.metrics.requests.inc({ result: 'redirect' });
    writeRedirectHeaders(reply, answer.location, caching);
    return reply.status(301).send();
  }
  return replyWithRender(deps, request, reply, answer, caching);
}

/**
 * A render, held whole in memory: 304 when the client holds its ETag (If-None-Match); else one range of it when
 * asked (a slice, as the bucket answers an object's ranges) and its If-Range, if any, names this
 * render, or all of it.
 */
function replyWithRender(deps: DeliveryDeps, request: FastifyRequest, reply: FastifyReply, answer: StoredImageAnswer, caching: AnswerCaching) {
  const { data, etag } = answer.stored;
  // Weakly, over a list, as a stored object's: a cache holding one render per Accept revalidates with all their tags.
  const ifNoneMatch = request.headers['if-none-match'];
  const held = ifNoneMatch !== undefined && etagMatches(ifNoneMatch, etag);
  const asked = held ? null : parseRangeRequest(request.headers);
  const part = asked && rangeHolds(asked, etag) ? resolveByteRange(asked.range, data.length) : undefined;
  if (part === null) {
    deps.metrics.requests.inc({ result: 'refused' });
    writeUnsatisfiableRangeHeaders(reply, data.length);
    return reply.status(416).send();
  }
  deps.metrics.requests.inc({ result: answer.result });
  writeImageHeaders(reply, answer, caching);
  if (held) return reply.status(304).send();
  writeImageLengthHeaders(reply, data.length, part);
  reply.status(part ? 206 : 200);
  if (request.method === 'HEAD') return reply.send();
  const body = part ? data.subarray(part.start, part.end + 1) : data;
  deps.metrics.bytesOut.inc(body.length);
  return reply.send(body);
}
