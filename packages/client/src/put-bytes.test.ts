import { describe, expect, it } from 'vitest';
import { putBytes } from './put-bytes.js';
import { FAST_RETRY, noAnswer, ok, refused, scriptedTransport } from './test-fixtures.js';

const body = new Uint8Array([1, 2, 3]);
const target = async () => ({ url: 'https://bucket/put', headers: { 'content-type': 'image/jpeg' } });

describe('putBytes', () => {
  it('retries a 503 SlowDown and a connection that got no answer, then returns the ETag', async () => {
    const transport = scriptedTransport((_, n) => (n === 1 ? refused(503, 'SlowDown') : n === 2 ? noAnswer() : ok('"abc"')));
    await expect(putBytes({ body, target, transport, retry: FAST_RETRY, what: 'the file' })).resolves.toBe('"abc"');
    expect(transport.calls).toHaveLength(3);
    expect(transport.calls[2]!.headers).toEqual({ 'content-type': 'image/jpeg' });
  });

  it('gives up after its retries with the last failure', async () => {
    const transport = scriptedTransport(() => refused(500, 'InternalError'));
    const error = await putBytes({ body, target, transport, retry: FAST_RETRY, what: 'part 2' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'upload_failed', status: 500, details: { reason: 'InternalError' } });
    expect((error as Error).message).toContain('part 2');
    expect(transport.calls).toHaveLength(1 + FAST_RETRY.retries);
  });

  it('does not retry a refusal that would only repeat (400 BadDigest)', async () => {
    const transport = scriptedTransport(() => refused(400, 'BadDigest'));
    await expect(putBytes({ body, target, transport, retry: FAST_RETRY, what: 'the file' })).rejects.toMatchObject({
      code: 'upload_failed',
      status: 400,
    });
    expect(transport.calls).toHaveLength(1);
  });

  it('asks for a freshly signed URL once when the bucket says the URL expired', async () => {
    const asked: boolean[] = [];
    const transport = scriptedTransport((_, n) => (n === 1 ? refused(403, 'AccessDenied', 'Request has expired') : ok()));
    const signed = async (fresh: boolean) => {
      asked.push(fresh);
      return { url: fresh ? 'https://bucket/new' : 'https://bucket/old', headers: {} };
    };
    await putBytes({ body, target: signed, transport, retry: { ...FAST_RETRY, retries: 0 }, what: 'part 1' });
    expect(asked).toEqual([false, true]);
    expect(transport.calls.map((c) => c.url)).toEqual(['https://bucket/old', 'https://bucket/new']);
  });

  it('stops waiting between retries as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const transport = scriptedTransport(() => {
      setTimeout(() => controller.abort(), 5);
      return refused(503, 'SlowDown');
    });
    const started = Date.now();
    const error = await putBytes({
      body,
      target,
      transport,
      retry: { retries: 5, baseDelayMs: 10_000, maxDelayMs: 10_000 },
      signal: controller.signal,
      what: 'x',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'DarkroomError', code: 'aborted' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(transport.calls).toHaveLength(1);
  });
});
