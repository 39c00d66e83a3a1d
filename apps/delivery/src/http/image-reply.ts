import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DeliveryDeps } from '../deps.js';
import type { ImageAnswer } from '../request/answer.js';
import { writeImageHeaders, writeRedirectHeaders, type AnswerCaching } from './answer-headers.js';
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
  if (answer.kind === 'redirect') {
    deps.metrics.requests.inc({ result: 'redirect' });
    writeRedirectHeaders(reply, answer.location, caching);
    return reply.status(301).send();
  }
  deps.metrics.requests.inc({ result: answer.result });
  writeImageHeaders(reply, answer, caching);
  const { data, etag } = answer.stored;
  if (request.headers['if-none-match'] === etag) return reply.status(304).send();
  reply.header('content-length', String(data.length));
  if (request.method === 'HEAD') return reply.send();
  deps.metrics.bytesOut.inc(data.length);
  return reply.send(data);
}
