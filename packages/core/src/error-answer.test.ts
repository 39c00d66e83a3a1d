import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { answerClientError, errorAnswer } from './error-answer.js';
import { ERRORS } from './error-factories/index.js';

describe('errorAnswer', () => {
  it("answers with the code's status, the factory's sentence and the plain facts, without what only operators read", () => {
    const refusal = ERRORS.audioTooLong(7 * 3600, 6 * 3600);
    expect(refusal.details).toHaveProperty('detail');
    expect(errorAnswer(refusal, { details: true })).toEqual({
      status: 422,
      body: { error: { code: 'audio_too_long', message: refusal.message, details: { durationSeconds: 25_200, maxDurationSeconds: 21_600 } } },
      headers: {},
    });
  });

  it('leaves details out when only operators have any, or when the app answers without them', () => {
    const corrupt = ERRORS.corruptAudio('Invalid data found when processing input');
    expect(errorAnswer(corrupt, { details: true }).body).toEqual({ error: { code: 'corrupt_audio', message: corrupt.message } });
    const limited = ERRORS.rendersRateLimited(600, 17);
    expect(errorAnswer(limited, { details: false }).body).toEqual({ error: { code: 'rate_limited', message: limited.message } });
  });

  it("carries the headers the app's policy gives the refusal", () => {
    const answer = errorAnswer(ERRORS.renderSlotsBusy(), { details: false, headersOf: (r) => ({ 'retry-after': r.code }) });
    expect(answer).toMatchObject({ status: 503, headers: { 'retry-after': 'unavailable' } });
  });
});

async function written(error: NodeJS.ErrnoException, headers: Record<string, string> = {}): Promise<string> {
  const socket = new PassThrough();
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => socket.on('end', resolve));
  answerClientError(error, socket, { details: true, headersOf: () => headers });
  await ended;
  return Buffer.concat(chunks).toString();
}

describe('answerClientError', () => {
  it('writes a request that did not arrive in time as 408, with the headers given, and closes', async () => {
    const text = await written(Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), { 'cache-control': 'no-store' });
    const [head, body] = text.split('\r\n\r\n');
    expect(head!.split('\r\n')).toEqual([
      'HTTP/1.1 408 Request Timeout',
      'content-type: application/json; charset=utf-8',
      `content-length: ${Buffer.byteLength(body!)}`,
      'cache-control: no-store',
      'connection: close',
    ]);
    expect(JSON.parse(body!)).toEqual({ error: { code: 'request_timeout', message: ERRORS.requestTimeout().message } });
  });

  it('writes anything else as 400 invalid_request: not HTTP', async () => {
    const text = await written(Object.assign(new Error('parse'), { code: 'HPE_INVALID_METHOD' }));
    expect(text.startsWith('HTTP/1.1 400 Bad Request\r\n')).toBe(true);
    expect(JSON.parse(text.split('\r\n\r\n')[1]!)).toEqual({ error: { code: 'invalid_request', message: ERRORS.notHttp().message } });
  });

  it('answers nothing on a connection the client already dropped', () => {
    const socket = new PassThrough();
    answerClientError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), socket, { details: true });
    expect(socket.destroyed).toBe(true);
  });
});
