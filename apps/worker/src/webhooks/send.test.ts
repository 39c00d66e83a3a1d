import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook } from './send.js';

/** A loopback receiver whose answer each test picks by path. */
let server: Server;
let base: string;
const hits: string[] = [];
const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/ok': (_req, res) => res.writeHead(204).end(),
  '/redirect': (_req, res) => res.writeHead(302, { location: '/ok' }).end(),
  '/chatty': (_req, res) => res.writeHead(500).end('x'.repeat(100_000)),
  '/hang': () => {},
  // A 101 with no upgrade asked for: Node's client drops the socket and emits no response and no error.
  '/upgrade': (req) => req.socket.write('HTTP/1.1 101 Switching Protocols\r\nconnection: upgrade\r\nupgrade: websocket\r\n\r\n'),
};

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url!);
    req.resume();
    routes[req.url!]?.(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const post = (path: string, extra: Partial<Parameters<typeof postWebhook>[0]> = {}) =>
  postWebhook({
    url: `${base}${path}`,
    headers: { 'content-type': 'application/json' },
    body: '{}',
    timeoutMs: 10_000,
    allowPrivate: true,
    ...extra,
  });

describe('postWebhook', () => {
  it('returns the status of a plain answer', async () => {
    expect(await post('/ok')).toMatchObject({ status: 204, error: null });
  });

  it('does not follow a redirect: the 3xx is the answer', async () => {
    hits.length = 0;
    expect(await post('/redirect')).toMatchObject({ status: 302 });
    expect(hits).toEqual(['/redirect']);
  });

  it('keeps at most 1 KiB of the response body', async () => {
    const result = await post('/chatty');
    expect(result.status).toBe(500);
    expect(result.body).toHaveLength(1024);
  });

  it('gives up on a receiver that does not answer within the time limit', async () => {
    const result = await post('/hang', { timeoutMs: 300 });
    expect(result).toMatchObject({ status: null, error: 'no response within 0.3 s' });
  });

  it('ends the attempt on a 101 Switching Protocols, within the time limit, as a failed answer', async () => {
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise((resolve) => (timer = setTimeout(() => resolve('still waiting after 3 s'), 3000)));
    const result = await Promise.race([post('/upgrade', { timeoutMs: 1000 }), hung]).finally(() => clearTimeout(timer));
    expect(result).toMatchObject({ status: 101, body: null });
  });

  it('without WEBHOOK_ALLOW_PRIVATE, refuses http, literal private addresses, and names resolving to them at connect time', async () => {
    expect((await post('/ok', { allowPrivate: false })).error).toMatch(/^refused: the url must use https/);
    const port = (server.address() as AddressInfo).port;
    const viaLiteral = await postWebhook({ url: `https://127.0.0.1:${port}/ok`, headers: {}, body: '{}', timeoutMs: 2000, allowPrivate: false });
    expect(viaLiteral.error).toMatch(/non-public address/);
    hits.length = 0;
    const resolve = async () => [{ address: '127.0.0.1', family: 4 }];
    const viaDns = await postWebhook({
      url: `https://hooks.example.com:${port}/ok`,
      headers: {},
      body: '{}',
      timeoutMs: 2000,
      allowPrivate: false,
      resolve,
    });
    expect(viaDns).toMatchObject({ status: null, error: 'refused: hooks.example.com resolves to a non-public address' });
    expect(hits).toEqual([]); // never connected
  });
});
