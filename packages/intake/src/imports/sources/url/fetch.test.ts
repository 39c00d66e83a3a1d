import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { DarkroomError } from '@darkroom/core/errors';
import type { Resolver } from '@darkroom/core/webhook-guard';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openUrlSource, type UrlSourceOptions } from './fetch.js';

/** A signature every URL of a failing request carries: no error may repeat it. */
const SIGNED = 'X-Amz-Credential=AKIAEXAMPLE&X-Amz-Signature=sekrit0123456789';
const FILE = randomBytes(200_000);
const MAX_BYTES = 100_000;

/** Writes an answer by hand, past what Node's server would let a handler send. */
const raw = (res: ServerResponse, text: string | Buffer) => res.socket!.write(text);

/** The server imports read from, on 127.0.0.1; each path is a behaviour, every request is counted. */
const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/file': (_req, res) => res.writeHead(200, { 'content-type': 'image/png', 'content-length': FILE.length }).end(FILE),
  '/small': (_req, res) => res.writeHead(200, { 'content-length': MAX_BYTES }).end(FILE.subarray(0, MAX_BYTES)),
  '/relative/a/b': (_req, res) => res.writeHead(302, { location: '../../small?from=relative' }).end(),
  '/status': (req, res) => res.writeHead(Number(new URL(req.url!, 'http://x').searchParams.get('code'))).end('no'),
  '/no-head': () => {},
  // A 101 no request asked for: Node's client drops the socket and emits no response and no error.
  '/upgrade': (_req, res) => raw(res, 'HTTP/1.1 101 Switching Protocols\r\nconnection: upgrade\r\nupgrade: websocket\r\n\r\n'),
  '/stall': (_req, res) => res.writeHead(200, { 'content-length': 1000 }).write('a little'),
  '/endless': (_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp4' });
    const more = () => !res.destroyed && res.write(FILE.subarray(0, 16_384)) && setImmediate(more);
    res.on('drain', more);
    more();
  },
  '/trickle': (_req, res) => {
    res.writeHead(200);
    const timer = setInterval(() => res.write('x'), 20);
    res.on('close', () => clearInterval(timer));
  },
  '/chunked': (req, res) => {
    res.writeHead(200);
    res.end(FILE.subarray(0, Number(new URL(req.url!, 'http://x').searchParams.get('bytes'))));
  },
  '/announces-more': (_req, res) => {
    res.writeHead(200, { 'content-length': 10_000_000 });
    res.write(FILE.subarray(0, 65_536));
  },
  '/short': (_req, res) => {
    raw(res, `HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n${'s'.repeat(500)}`);
    setTimeout(() => res.socket?.destroy(), 30);
  },
  '/long': (_req, res) => {
    raw(res, 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello world, and more');
    res.socket!.end();
  },
  '/long-later': (_req, res) => {
    raw(res, 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
    setTimeout(() => res.socket?.end(' world, and more'), 200);
  },
  '/echo': (req, res) => res.writeHead(200).end(JSON.stringify({ url: req.url, host: req.headers.host })),
};

const hits: string[] = [];
const methods: string[] = [];
let server: Server;
let port: number;
/** Another loopback address than the one allowed: anything reaching it passed the guard. */
let forbidden: Server;
let forbiddenHits = 0;

async function listen(host: string, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const listening = createServer(handler);
  await new Promise<void>((resolve) => listening.listen(0, host, resolve));
  return listening;
}

beforeAll(async () => {
  server = await listen('127.0.0.1', (req, res) => {
    const path = new URL(req.url!, 'http://x').pathname;
    hits.push(path);
    methods.push(req.method!);
    const hops = /^\/hops\/(\d+)$/.exec(path);
    if (hops) return void res.writeHead(302, { location: Number(hops[1]) > 1 ? `/hops/${Number(hops[1]) - 1}` : '/small' }).end();
    if (path === '/to') return void res.writeHead(302, { location: new URL(req.url!, 'http://x').searchParams.get('target')! }).end();
    (routes[path] ?? ((_req, res) => res.writeHead(404).end()))(req, res);
  });
  port = (server.address() as AddressInfo).port;
  forbidden = await listen('127.0.0.2', (_req, res) => {
    forbiddenHits++;
    res.writeHead(200, { 'content-length': 2 }).end('ok');
  });
});
afterAll(async () => {
  for (const listening of [server, forbidden]) {
    listening.closeAllConnections();
    await new Promise((resolve) => listening.close(resolve));
  }
});
beforeEach(() => {
  hits.length = 0;
  methods.length = 0;
  forbiddenHits = 0;
});

const onlyOurServer = (address: string) => address === '127.0.0.1';
const OPTIONS: UrlSourceOptions = {
  method: 'GET',
  maxBytes: MAX_BYTES,
  allowPrivate: false,
  connectTimeoutMs: 500,
  idleTimeoutMs: 300,
  totalTimeoutMs: 2000,
  isAllowedAddress: onlyOurServer,
};
const local = (path: string) => `http://127.0.0.1:${port}${path}`;
const open = (url: string, options: Partial<UrlSourceOptions> = {}) => openUrlSource(url, { ...OPTIONS, ...options });

async function read(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The DarkroomError a fetch failed with; it must not repeat the URL's signature. */
async function failure(pending: Promise<unknown>): Promise<DarkroomError> {
  const error = await pending.then(
    () => expect.fail('expected the fetch to fail'),
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(DarkroomError);
  const { code, message, details } = error as DarkroomError;
  expect(JSON.stringify({ code, message, details })).not.toMatch(/sekrit|AKIAEXAMPLE|X-Amz/);
  return error as DarkroomError;
}

/** A resolver stub that counts its lookups. */
function resolverOf(...answers: string[][]): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    const addresses = answers[Math.min(calls.length, answers.length - 1)]!;
    calls.push(hostname);
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

describe('openUrlSource', () => {
  it('streams the file with its size and type, as the server sent it', async () => {
    const source = await open(local('/file'), { maxBytes: FILE.length });
    expect(source).toMatchObject({ size: FILE.length, contentType: 'image/png', finalUrl: local('/file') });
    expect((await read(source.body!)).equals(FILE)).toBe(true);
  });

  it('asks with HEAD without reading a body', async () => {
    const source = await open(local('/file'), { method: 'HEAD', maxBytes: FILE.length });
    expect(source).toEqual({ body: null, size: FILE.length, contentType: 'image/png', finalUrl: local('/file') });
    expect(methods).toEqual(['HEAD']);
  });

  it('waits for a reader slower than the silence limit: a paused body is not a silent server', async () => {
    const source = await open(local('/file'), { maxBytes: FILE.length });
    const chunks: Buffer[] = [];
    for await (const chunk of source.body!) {
      chunks.push(chunk as Buffer);
      if (chunks.length === 1) await sleep(OPTIONS.idleTimeoutMs * 2);
    }
    expect(Buffer.concat(chunks).equals(FILE)).toBe(true);
  });
});

describe('redirects', () => {
  it('follows three, each Location resolved against the URL that answered it, and refuses a fourth', async () => {
    const followed = await open(local('/hops/3'));
    expect(followed.finalUrl).toBe(local('/small'));
    expect(await read(followed.body!)).toHaveLength(MAX_BYTES);
    expect(hits).toEqual(['/hops/3', '/hops/2', '/hops/1', '/small']);

    hits.length = 0;
    const refused = await failure(open(`${local('/hops/4')}?${SIGNED}`));
    expect(refused).toMatchObject({ code: 'source_unreachable', details: { reason: 'it redirects more than 3 times' } });
    expect(hits).toEqual(['/hops/4', '/hops/3', '/hops/2', '/hops/1']);

    const relative = await open(local('/relative/a/b'));
    expect(relative.finalUrl).toBe(local('/small?from=relative'));
    relative.body!.destroy();
  });

  it('refuses a redirect to a blocked address or scheme before sending it anything', async () => {
    const forbiddenPort = (forbidden.address() as AddressInfo).port;
    const targets = {
      [`http://127.0.0.2:${forbiddenPort}/`]: 'blocked_address',
      [`http://internal.example.test:${forbiddenPort}/`]: 'blocked_address',
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/': 'blocked_address',
      'http://[::1]/': 'blocked_address',
      // The forbidden server's own address in other notations: a guard that missed one would reach it.
      [`http://2130706434:${forbiddenPort}/`]: 'blocked_address',
      [`http://0177.0.0.2:${forbiddenPort}/`]: 'blocked_address',
      [`http://0x7f.2:${forbiddenPort}/`]: 'blocked_address',
      [`http://[::ffff:127.0.0.2]:${forbiddenPort}/`]: 'blocked_address',
      [`http://localhost:${forbiddenPort}/`]: 'blocked_address',
      'http://0.0.0.0/': 'blocked_address',
      'http://10.0.0.1/': 'blocked_address',
      'http://172.16.0.1/': 'blocked_address',
      'http://192.168.1.1/': 'blocked_address',
      'http://[fe80::1]/': 'blocked_address',
      'file:///etc/passwd': 'blocked_address',
      'ftp://files.example.test/a.jpg': 'blocked_address',
      'gopher://files.example.test:70/_GET': 'blocked_address',
    };
    for (const [target, code] of Object.entries(targets)) {
      const resolve = resolverOf(['127.0.0.2']);
      const error = await failure(open(`${local('/to')}?target=${encodeURIComponent(target)}&${SIGNED}`, { resolve }));
      expect(error.code, target).toBe(code);
      expect(error.message, target).not.toMatch(/127\.0\.0\.2|169\.254/);
    }
    expect(hits.filter((path) => path !== '/to')).toEqual([]);
    expect(forbiddenHits).toBe(0);
    const scheme = await failure(open(`${local('/to')}?target=${encodeURIComponent('file:///etc/passwd')}`));
    expect(scheme.message).toMatch(/a file: URL/);
  });
});

describe('addresses', () => {
  it('refuses a literal loopback, private, link-local or unspecified address in any notation, before connecting', async () => {
    const resolve = resolverOf(['127.0.0.1']);
    // Node's URL parser writes every IPv4 notation dotted, so the check sees 127.0.0.1 however it was written.
    const literals = ['127.0.0.1', '2130706433', '0177.0.0.1', '0x7f.1', '127.1', '[::1]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '0.0.0.0'];
    for (const literal of literals) {
      const error = await failure(openUrlSource(`http://${literal}:${port}/small?${SIGNED}`, { ...OPTIONS, isAllowedAddress: undefined, resolve }));
      expect(error.code, literal).toBe('blocked_address');
    }
    for (const literal of ['10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '[fe80::1]', '[fd00::1]', '224.0.0.1']) {
      expect((await failure(open(`http://${literal}/a.jpg?${SIGNED}`, { resolve }))).code, literal).toBe('blocked_address');
    }
    expect(hits).toEqual([]);
    expect(resolve.calls).toEqual([]);
  });

  it('refuses every scheme but http and https before anything is sent', async () => {
    for (const url of [
      'file:///etc/passwd',
      'ftp://files.example.test/a.jpg',
      'gopher://127.0.0.1:70/_x',
      'data:image/png;base64,AAAA',
      'ws://x.test/',
    ]) {
      const error = await failure(open(url));
      expect(error, url).toMatchObject({ code: 'blocked_address', details: { scheme: new URL(url).protocol } });
    }
  });

  it('refuses a name that resolves to a blocked address, or to one among allowed ones', async () => {
    for (const addresses of [['10.0.0.7'], ['127.0.0.2'], ['169.254.169.254'], ['127.0.0.1', '10.0.0.7'], ['::1']]) {
      const resolve = resolverOf(addresses);
      const error = await failure(open(`http://files.example.test:${port}/small?${SIGNED}`, { resolve }));
      expect(error.code, addresses.join()).toBe('blocked_address');
      expect(error.message).not.toMatch(/10\.0|127\.|169\.254|::1/);
      expect(resolve.calls).toEqual(['files.example.test']);
    }
    const publicOnly = resolverOf(['127.0.0.1']);
    expect((await failure(open(local('/small'), { isAllowedAddress: undefined, resolve: publicOnly }))).code).toBe('blocked_address');
    expect(hits).toEqual([]);
  });

  it('connects to the address it checked, asking the resolver once: a second answer never matters', async () => {
    const rebinding = resolverOf(['127.0.0.1'], ['10.0.0.7']);
    const source = await open(`http://files.example.test:${port}/echo`, { resolve: rebinding });
    expect(JSON.parse((await read(source.body!)).toString())).toEqual({ url: '/echo', host: `files.example.test:${port}` });
    expect(rebinding.calls).toEqual(['files.example.test']);
  });

  it('reaches any address with IMPORT_ALLOW_PRIVATE', async () => {
    const source = await open(`http://127.0.0.2:${(forbidden.address() as AddressInfo).port}/`, { allowPrivate: true, isAllowedAddress: undefined });
    expect((await read(source.body!)).toString()).toBe('ok');
    expect(forbiddenHits).toBe(1);
  });

  it('verifies the certificate for the host name, which it sends as SNI', async () => {
    const { tlsServer, serverNames } = await selfSignedServer('files.example.test');
    try {
      const tlsPort = (tlsServer.address() as AddressInfo).port;
      const error = await failure(open(`https://files.example.test:${tlsPort}/a.jpg?${SIGNED}`, { resolve: resolverOf(['127.0.0.1']) }));
      expect(error).toMatchObject({ code: 'source_unreachable', details: { reason: "the server's TLS certificate is not valid for its host name" } });
      expect(serverNames).toEqual(['files.example.test']);
    } finally {
      await new Promise((resolve) => tlsServer.close(resolve));
    }
  });
});

describe('failures', () => {
  it('answers 404 and 410 as not found, 401 and 403 as forbidden, any other status as unreachable', async () => {
    const codes = {
      404: 'source_not_found',
      410: 'source_not_found',
      401: 'source_forbidden',
      403: 'source_forbidden',
      500: 'source_unreachable',
      304: 'source_unreachable',
    };
    for (const [status, code] of Object.entries(codes)) {
      expect((await failure(open(`${local('/status')}?code=${status}&${SIGNED}`))).code, status).toBe(code);
    }
    expect((await failure(open(`${local('/status')}?code=503&${SIGNED}`))).details).toEqual({ reason: 'the server answered HTTP 503' });
    // Within the silence limit (0.3 s here), not never.
    const upgraded = await Promise.race([failure(open(`${local('/upgrade')}?${SIGNED}`)), sleep(3000).then(() => 'still waiting after 3 s')]);
    expect(upgraded).toMatchObject({ code: 'source_unreachable', details: { reason: 'the server answered HTTP 101' } });
  });

  it('says in words why a server could not be reached', async () => {
    const closed = await listen('127.0.0.1', () => {});
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const notFound: Resolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND files.example.test'), { code: 'ENOTFOUND' });
    };
    const never: Resolver = () => new Promise(() => {});
    const cases: [string, Partial<UrlSourceOptions>, string][] = [
      [`http://127.0.0.1:${closedPort}/a.jpg`, {}, 'the server refused the connection'],
      ['http://files.example.test/a.jpg', { resolve: notFound }, "the server's host name does not resolve"],
      ['http://files.example.test/a.jpg', { resolve: never, connectTimeoutMs: 200 }, 'no connection within 0.2 s'],
      [local('/no-head'), {}, 'nothing received for 0.3 s'],
    ];
    for (const [url, options, reason] of cases) {
      expect(await failure(open(`${url}?${SIGNED}`, options)), reason).toMatchObject({ code: 'source_unreachable', details: { reason } });
    }
  });

  it('refuses a Content-Length past the limit before reading the body', async () => {
    const error = await failure(open(`${local('/announces-more')}?${SIGNED}`));
    expect(error).toMatchObject({ code: 'file_too_large', message: `The file is 10000000 bytes; the limit is ${MAX_BYTES} bytes.` });
    const atTheLimit = await open(local('/small'));
    expect(await read(atTheLimit.body!)).toHaveLength(MAX_BYTES);
  });

  it('cuts off a body that announced no size once it passes the limit, and a server that never ends', async () => {
    const atTheLimit = await open(`${local('/chunked')}?bytes=${MAX_BYTES}`);
    expect(atTheLimit.size).toBeNull();
    expect(await read(atTheLimit.body!)).toHaveLength(MAX_BYTES);
    for (const path of [`/chunked?bytes=${MAX_BYTES + 1}`, '/endless']) {
      const source = await open(local(path));
      const error = await failure(read(source.body!));
      expect(error, path).toMatchObject({ code: 'file_too_large', details: { maxBytes: MAX_BYTES } });
    }
  });

  it('cuts off a server that stops sending, and a body still coming at the total time limit', async () => {
    const stalled = await open(local('/stall'));
    expect(await failure(read(stalled.body!))).toMatchObject({ code: 'source_unreachable', details: { reason: 'nothing received for 0.3 s' } });
    const trickling = await open(local('/trickle'), { totalTimeoutMs: 500, idleTimeoutMs: 5000 });
    const error = await failure(read(trickling.body!));
    expect(error).toMatchObject({ code: 'source_unreachable', details: { reason: 'it did not answer in full within 0.5 s' } });
  });

  it('refuses a body that ends short of its Content-Length', async () => {
    const source = await open(local('/short'));
    expect(source.size).toBe(1000);
    const error = await failure(read(source.body!));
    expect(error).toMatchObject({ code: 'content_mismatch', details: { announced: 1000 } });
    expect(error.message).toMatch(/announced 1000 bytes \(Content-Length\) but sent 500/);
  });

  it('refuses a body that goes on past its Content-Length in the same read; bytes after a pause are never read', async () => {
    const source = await open(local('/long'));
    const error = await failure(read(source.body!));
    expect(error).toMatchObject({ code: 'content_mismatch', details: { announced: 5 } });
    expect(error.message).toMatch(/but sent more/);
    // Node closes the connection once the announced bytes have come: they are the file.
    const later = await open(local('/long-later'));
    expect((await read(later.body!)).toString()).toBe('hello');
  });

  it('ends with the reason of an aborted signal, before sending, waiting for the head, or mid-body', async () => {
    const before = AbortSignal.abort(new Error('paused'));
    await expect(open(local('/small'), { signal: before })).rejects.toThrow('paused');
    expect(hits).toEqual([]);

    const waiting = new AbortController();
    setTimeout(() => waiting.abort(new Error('canceled')), 50);
    await expect(open(local('/no-head'), { signal: waiting.signal, idleTimeoutMs: 5000 })).rejects.toThrow('canceled');

    const reading = new AbortController();
    const source = await open(local('/stall'), { signal: reading.signal, idleTimeoutMs: 5000 });
    setTimeout(() => reading.abort(new Error('canceled')), 50);
    await expect(read(source.body!)).rejects.toThrow('canceled');
  });

  it('takes a URL of 8 KiB, and names no part of its query when it fails', async () => {
    const padding = 'p'.repeat(8192 - local('/echo?').length - SIGNED.length - 1);
    const long = `${local('/echo')}?${padding}&${SIGNED}`;
    expect(long).toHaveLength(8192);
    const source = await open(long);
    expect(JSON.parse((await read(source.body!)).toString()).url).toBe(long.slice(local('').length));
    const forbiddenLong = `${local('/status')}?code=403&${padding.slice(8)}&${SIGNED}`;
    expect(await failure(open(forbiddenLong))).toMatchObject({ code: 'source_forbidden' });
  });
});

/** A TLS server with a certificate no one trusts, made now, that records the SNI each client sent. */
async function selfSignedServer(hostname: string): Promise<{ tlsServer: TlsServer; serverNames: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'darkroom-url-source-'));
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        `/CN=${hostname}`,
        '-addext',
        `subjectAltName=DNS:${hostname}`,
      ],
      { stdio: 'ignore' },
    );
    const serverNames: string[] = [];
    const tlsServer = createTlsServer({
      key: readFileSync(key),
      cert: readFileSync(cert),
      SNICallback: (name, done) => {
        serverNames.push(name);
        done(null);
      },
    });
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    return { tlsServer, serverNames };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
