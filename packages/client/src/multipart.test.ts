import { describe, expect, it } from 'vitest';
import { sendParts, type SendPartsOptions } from './multipart.js';
import { FAST_RETRY, noAnswer, ok, refused, scriptedTransport } from './test-fixtures.js';
import { toByteSource } from './source.js';
import type { Transport } from './transport.js';

const partSize = 10;
const bytes = Uint8Array.from({ length: 45 }, (_, i) => i);
const urls = (numbers: number[], tag = 'a') => new Map(numbers.map((n) => [n, `https://bucket/part-${n}?${tag}`]));
/** The parts as the API lays out 45 bytes in parts of 10: the last holds the rest. */
const layout = (numbers: number[]) => numbers.map((n) => ({ partNumber: n, size: Math.min(partSize, bytes.length - (n - 1) * partSize) }));
const partOf = (url: string) => Number(/part-(\d+)/.exec(url)![1]);

function options(transport: Transport, overrides: Partial<SendPartsOptions> = {}): SendPartsOptions {
  return {
    source: toByteSource(bytes),
    partSize,
    parts: layout([1, 2, 3, 4, 5]),
    uploaded: new Map(),
    urls: urls([1, 2, 3, 4, 5]),
    expiresAt: Date.now() + 3_600_000,
    refresh: async () => ({ urls: urls([1, 2, 3, 4, 5], 'fresh'), expiresAt: Date.now() + 3_600_000 }),
    transport,
    concurrency: 2,
    retry: FAST_RETRY,
    ...overrides,
  };
}

describe('sendParts', () => {
  it('sends every part with its own byte range, at most `concurrency` at once, and returns them in order', async () => {
    let inFlight = 0;
    let most = 0;
    const transport = scriptedTransport(async (request) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return ok(`"etag-${partOf(request.url)}"`);
    });
    const parts = await sendParts(options(transport));
    expect(parts).toEqual([1, 2, 3, 4, 5].map((n) => ({ partNumber: n, etag: `"etag-${n}"` })));
    expect(most).toBe(2);
    const sent = transport.calls.map((c) => [partOf(c.url), [...(c.body as Uint8Array)]] as const).sort((a, b) => a[0] - b[0]);
    expect(sent.map(([, b]) => b.length)).toEqual([10, 10, 10, 10, 5]);
    expect(sent[4]![1]).toEqual([40, 41, 42, 43, 44]);
  });

  it('sums progress over parts, forgets a failed try of a part, and ends at the size', async () => {
    const seen: number[] = [];
    const transport = scriptedTransport((request, n) => {
      request.onProgress?.(4);
      if (n === 1) return refused(503, 'SlowDown');
      request.onProgress?.((request.body as Uint8Array).byteLength);
      return ok();
    });
    await sendParts(options(transport, { concurrency: 1, onProgress: (loaded) => seen.push(loaded) }));
    expect(seen.at(-1)).toBe(45);
    expect(Math.max(...seen)).toBe(45);
    // The failed first try had reached 4 bytes: progress went back to 0 before the retry.
    expect(seen.slice(0, 4)).toEqual([0, 0, 4, 0]);
  });

  it('sends only the parts the API lists, and counts those the bucket already holds in progress', async () => {
    const seen: number[] = [];
    const transport = scriptedTransport(() => ok('"new"'));
    const parts = await sendParts(
      options(transport, {
        parts: layout([2, 4, 5]),
        uploaded: new Map([
          [1, '"old-1"'],
          [3, '"old-3"'],
        ]),
        onProgress: (n) => seen.push(n),
      }),
    );
    expect(transport.calls.map((c) => partOf(c.url)).sort()).toEqual([2, 4, 5]);
    expect(parts.map((p) => p.etag)).toEqual(['"old-1"', '"new"', '"old-3"', '"new"', '"new"']);
    expect(seen[0]).toBe(20);
  });

  it('fetches fresh URLs once, shared by the parts, when the ones it has are about to expire', async () => {
    let refreshes = 0;
    const transport = scriptedTransport(() => ok());
    await sendParts(
      options(transport, {
        concurrency: 4,
        expiresAt: Date.now() + 1000,
        refresh: async () => {
          refreshes++;
          return { urls: urls([1, 2, 3, 4, 5], 'fresh'), expiresAt: Date.now() + 3_600_000 };
        },
      }),
    );
    expect(refreshes).toBe(1);
    expect(transport.calls.every((c) => c.url.endsWith('?fresh'))).toBe(true);
  });

  it('stops every other part when one fails for good, and throws that failure', async () => {
    const aborted: number[] = [];
    const transport = scriptedTransport((request) => {
      if (partOf(request.url) === 2) return refused(400, 'InvalidArgument');
      return new Promise((_, reject) =>
        request.signal!.addEventListener('abort', () => {
          aborted.push(partOf(request.url));
          reject(noAnswer());
        }),
      );
    });
    await expect(sendParts(options(transport))).rejects.toMatchObject({ code: 'upload_failed', status: 400 });
    expect(aborted).toEqual([1]);
    expect(transport.calls).toHaveLength(2);
  });

  it('refuses a part without an ETag: the bucket must expose it through CORS', async () => {
    const transport = scriptedTransport(() => ok(null as unknown as string));
    await expect(sendParts(options(transport))).rejects.toMatchObject({ code: 'invalid_response', message: expect.stringContaining('ETag') });
  });

  it('aborts in-flight parts when the caller aborts', async () => {
    const controller = new AbortController();
    const transport = scriptedTransport(
      (request) =>
        new Promise((_, reject) => {
          request.signal!.addEventListener('abort', () => reject(new Error('aborted')));
          setTimeout(() => controller.abort(), 5);
        }),
    );
    await expect(sendParts(options(transport, { signal: controller.signal }))).rejects.toMatchObject({ code: 'aborted' });
    expect(transport.calls).toHaveLength(2);
  });

  it('reads a stream source in order while parts go out in parallel', async () => {
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    }
    const transport = scriptedTransport(() => ok());
    await sendParts(options(transport, { source: toByteSource(chunks(), bytes.length), concurrency: 3 }));
    const sent = transport.calls.flatMap((c) => [...(c.body as Uint8Array)]).sort((a, b) => a - b);
    expect(sent).toEqual([...bytes]);
  });
});
