import { describe, expect, it } from 'vitest';
import { createContext } from './client.js';
import { followImport } from './imports.js';
import { backendRoutes } from './routes.js';
import { FAST_RETRY } from './test-fixtures.js';
import type { Import } from './types.js';

const imp = (status: Import['status'], imported = 0, id = 'i1') =>
  ({ id, status, counts: { found: 3, imported, skipped: 0, failed: 0, bytes: imported * 10 } }) as Import;
const message = (type: string, data: unknown, id?: string) =>
  `${id ? `id: ${id}\n` : ''}event: ${type}\ndata: ${JSON.stringify({ type, createdAt: 'now', data })}\n\n`;

/** A stream the test writes to: `chunks` now, then open (`end: false`) until its fetch is aborted. */
function eventStream(chunks: string[], end: boolean, signal: AbortSignal | null | undefined): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(encoder.encode(chunk));
      if (end) return c.close();
      signal?.addEventListener('abort', () => c.error(new DOMException('The operation was aborted.', 'AbortError')));
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

type StreamAnswer = { chunks: string[]; end: boolean } | number | 'no-answer';

/** A fetch that answers each opening of the tenant's stream from `streams` in turn, and GET /v1/imports/i1 from `reads`. */
function fakeApi(streams: StreamAnswer[], reads: (Import | number)[]) {
  const asked: string[] = [];
  const aborted: boolean[] = [];
  const fetchImpl = async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    asked.push(url.pathname);
    if (url.pathname === '/v1/events/stream') {
      const answer = streams.shift() ?? 503;
      if (answer === 'no-answer') throw new TypeError('fetch failed');
      if (typeof answer === 'number') return Response.json({ error: { code: 'refused', message: 'no' } }, { status: answer });
      init?.signal?.addEventListener('abort', () => aborted.push(true));
      return eventStream(answer.chunks, answer.end, init?.signal);
    }
    const read = reads.shift() ?? imp('done', 3);
    if (typeof read === 'number') return Response.json({ error: { code: 'not_found', message: 'No such import.' } }, { status: read });
    return Response.json({ import: read });
  };
  const ctx = createContext({ baseUrl: 'http://api', token: 't', fetch: fetchImpl as typeof fetch, retry: FAST_RETRY });
  return { ctx, asked, aborted };
}

const statuses = (seen: Import[]) => seen.map((i) => `${i.status} ${i.counts.imported}`);

describe('followImport', () => {
  it("reads the import once the tenant's stream is open, then takes its own messages (no other import's, no asset's) until it ends", async () => {
    const { ctx, asked, aborted } = fakeApi(
      [
        {
          chunks: [
            message('import.progress', { import: imp('running', 2, 'other') }),
            message('asset.ready', { asset: { id: 'a1', status: 'ready' } }, 'e1'),
            ': heartbeat\n\n',
            message('import.progress', { import: imp('running', 1) }),
            message('import.done', { import: imp('done', 3) }, 'e2'),
          ],
          end: false,
        },
      ],
      [imp('running', 0)],
    );
    const seen: Import[] = [];
    const done = await followImport(ctx, 'i1', { onProgress: (i) => seen.push(i) });
    expect(done).toMatchObject({ id: 'i1', status: 'done' });
    expect(statuses(seen)).toEqual(['running 0', 'running 1', 'done 3']);
    expect(asked).toEqual(['/v1/events/stream', '/v1/imports/i1']);
    expect(aborted, 'the stream is closed once the import ended').toEqual([true]);
  });

  it('reads the import again while the stream is quiet, so a pause shows, and ends with a cancel', async () => {
    const { ctx, asked } = fakeApi([{ chunks: [], end: false }], [imp('running', 1), imp('paused', 1), imp('canceled', 1)]);
    const seen: Import[] = [];
    const canceled = await followImport(ctx, 'i1', { checkEveryMs: 20, onProgress: (i) => seen.push(i) });
    expect(canceled.status).toBe('canceled');
    expect(statuses(seen)).toEqual(['running 1', 'paused 1', 'canceled 1']);
    expect(asked.filter((p) => p === '/v1/events/stream')).toHaveLength(1);
  });

  it('opens a stream again when one ends, reading the import afresh', async () => {
    const { ctx, asked } = fakeApi(
      [
        { chunks: [message('import.progress', { import: imp('running', 1) })], end: true },
        { chunks: [message('import.failed', { import: imp('failed', 1) }, 'e3')], end: false },
      ],
      [imp('running', 0), imp('running', 2)],
    );
    const seen: Import[] = [];
    expect((await followImport(ctx, 'i1', { onProgress: (i) => seen.push(i) })).status).toBe('failed');
    expect(statuses(seen)).toEqual(['running 0', 'running 1', 'running 2', 'failed 1']);
    expect(asked).toEqual(['/v1/events/stream', '/v1/imports/i1', '/v1/events/stream', '/v1/imports/i1']);
  });

  it('polls when the stream gets no answer or a 503, and throws what polling would get too', async () => {
    for (const refusal of ['no-answer', 503] as const) {
      const { ctx, asked } = fakeApi([refusal], [imp('running', 1), imp('done', 3)]);
      expect((await followImport(ctx, 'i1', { pollEveryMs: 1 })).status).toBe('done');
      expect(asked).toEqual(['/v1/events/stream', '/v1/imports/i1', '/v1/imports/i1']);
    }
    await expect(followImport(fakeApi([401], []).ctx, 'i1')).rejects.toMatchObject({ code: 'refused', status: 401 });
    await expect(followImport(fakeApi([{ chunks: [], end: false }], [404]).ctx, 'i1')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('stops at once when its signal aborts, closing the stream', async () => {
    const { ctx, aborted } = fakeApi([{ chunks: [], end: false }], [imp('running', 1)]);
    const controller = new AbortController();
    const following = followImport(ctx, 'i1', { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(following).rejects.toMatchObject({ code: 'aborted' });
    expect(aborted).toEqual([true]);
  });
});

describe('the import routes', () => {
  /** A fetch that records each request and answers from `answers` in turn (a status alone: an error body). */
  function recording(answers: (number | object)[]) {
    const requests: string[] = [];
    const fetchImpl = async (request: Request) => {
      const url = new URL(request.url);
      const body = request.method === 'POST' ? await request.text() : '';
      requests.push(`${request.method} ${url.pathname}${url.search}${body ? ` ${body}` : ''}`);
      const answer = answers.shift() ?? { import: imp('running') };
      if (typeof answer === 'number') return Response.json({ error: { code: 'busy', message: 'try later' } }, { status: answer });
      return Response.json(answer, { status: 200 });
    };
    return {
      routes: backendRoutes(createContext({ baseUrl: 'http://api', token: 't', fetch: fetchImpl as typeof fetch, retry: FAST_RETRY })),
      requests,
    };
  }

  it('start is sent once, never again after a 503 (it would start a second import)', async () => {
    const { routes, requests } = recording([503]);
    const body = { source: { type: 'urls' as const, items: [{ url: 'https://example.com/a.jpg' }] }, dryRun: true };
    await expect(routes.imports.start(body)).rejects.toMatchObject({ code: 'busy', status: 503 });
    expect(requests).toEqual([`POST /v1/imports ${JSON.stringify(body)}`]);
  });

  it('reads and controls are retried like any idempotent call, each on its route', async () => {
    const { routes, requests } = recording([503, { import: imp('running') }, { items: [], nextCursor: null }, { items: [], nextCursor: null }]);
    expect((await routes.imports.get('i1')).import.status).toBe('running');
    await routes.imports.items('i1', { status: 'failed', cursor: 'c1', limit: 100 });
    await routes.imports.list({ limit: 5 });
    await routes.imports.pause('i1');
    await routes.imports.resume('i1');
    await routes.imports.cancel('i1');
    expect(requests).toEqual([
      'GET /v1/imports/i1',
      'GET /v1/imports/i1',
      'GET /v1/imports/i1/items?status=failed&cursor=c1&limit=100',
      'GET /v1/imports?limit=5',
      'POST /v1/imports/i1/pause',
      'POST /v1/imports/i1/resume',
      'POST /v1/imports/i1/cancel',
    ]);
  });
});
