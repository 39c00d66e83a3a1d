import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { Readable } from 'node:stream';

/**
 * A stranger's "S3" endpoint for an import's bucket source (packages/intake/src/imports/sources/bucket/client.ts):
 * a loopback HTTP server that answers ListObjectsV2 and GetObject the way a test tells it to, and
 * ignores the signature. Imports reach it with IMPORT_ALLOW_PRIVATE. Every request it gets is
 * recorded, with when its connection closed.
 */

/** A ListObjectsV2 request as the server read it. */
export interface ListRequest {
  prefix: string;
  /** StartAfter, or null from the start. */
  startAfter: string | null;
  /** Which listing this is, from 0. */
  n: number;
}

/** An object of a listing page. */
export interface ListedKey {
  key: string;
  size?: number;
}

/** A page: its objects, and whether it says more follow. */
export interface Page {
  keys: ListedKey[];
  truncated: boolean;
}

export interface SeenObjectRequest {
  key: string;
  at: number;
  /** When its connection closed (null while open). */
  closedAt: number | null;
}

export interface HostileBucket {
  /** `http://127.0.0.1:port`: the source's `endpoint`. */
  endpoint: string;
  bucket: string;
  listings: ListRequest[];
  objectRequests: SeenObjectRequest[];
  /** Bytes of the listings' answers the server wrote. */
  listingBytesSent: number;
  close(): Promise<void>;
}

export interface HostileBucketOptions {
  /** Each listing's answer: a page (written as S3's XML), or the response to write by hand. */
  list: (request: ListRequest, res: ServerResponse) => Page | undefined;
  /** GetObject's answer for a key; by default a 404 as S3 writes it. */
  get?: (key: string, req: IncomingMessage, res: ServerResponse) => void;
}

const BUCKET = 'their-library';

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** One `<Contents>` entry as S3 writes it. */
export const contentsXml = ({ key, size = 1000 }: ListedKey) =>
  `<Contents><Key>${escapeXml(key)}</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified><ETag>&quot;${key.length.toString(16).padStart(32, '0')}&quot;</ETag><Size>${size}</Size><StorageClass>STANDARD</StorageClass></Contents>`;

export const listingHead = (truncated: boolean) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${BUCKET}</Name><Prefix></Prefix><MaxKeys>1000</MaxKeys><IsTruncated>${truncated}</IsTruncated>`;
export const LISTING_TAIL = '</ListBucketResult>';

export const pageXml = (page: Page) => `${listingHead(page.truncated)}${page.keys.map(contentsXml).join('')}${LISTING_TAIL}`;

/** An answer of `count` entries made as it is read (never whole in memory), without a Content-Length. */
export function streamedListing(count: number, truncated = true): Readable {
  let n = 0;
  return new Readable({
    read() {
      if (n === 0) this.push(listingHead(truncated));
      if (n >= count) return void this.push(null);
      const batch: string[] = [];
      for (const end = Math.min(count, n + 1000); n < end; n++) batch.push(contentsXml({ key: `k/${String(n).padStart(8, '0')}.jpg` }));
      this.push(batch.join(''));
      if (n >= count) this.push(LISTING_TAIL);
    },
  });
}

const notFound = (res: ServerResponse) =>
  res.writeHead(404, { 'content-type': 'application/xml' }).end('<?xml version="1.0"?><Error><Code>NoSuchKey</Code></Error>');

export async function startHostileBucket(options: HostileBucketOptions): Promise<HostileBucket> {
  const listings: ListRequest[] = [];
  const objectRequests: SeenObjectRequest[] = [];
  const sockets = new Set<Socket>();
  const bucket: HostileBucket = { endpoint: '', bucket: BUCKET, listings, objectRequests, listingBytesSent: 0, close: async () => {} };
  const server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const [, name, ...rest] = url.pathname.split('/');
    if (name !== BUCKET) return notFound(res);
    if (rest.length === 0 || (rest.length === 1 && rest[0] === '')) {
      const request = { prefix: url.searchParams.get('prefix') ?? '', startAfter: url.searchParams.get('start-after'), n: listings.length };
      listings.push(request);
      const counting = res.write.bind(res);
      res.write = ((chunk: string | Buffer, ...args: never[]) => {
        bucket.listingBytesSent += Buffer.byteLength(chunk);
        return counting(chunk, ...args);
      }) as typeof res.write;
      const page = options.list(request, res);
      if (page) res.writeHead(200, { 'content-type': 'application/xml' }).end(pageXml(page));
      return;
    }
    const key = decodeURIComponent(rest.join('/'));
    const seen: SeenObjectRequest = { key, at: Date.now(), closedAt: null };
    objectRequests.push(seen);
    req.socket.once('close', () => (seen.closedAt = Date.now()));
    (options.get ?? ((_k, _q, r) => notFound(r)))(key, req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  bucket.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  bucket.close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return bucket;
}

/** Answers an object's GET with its head (`size` bytes announced) and then one byte every `everyMs`, until the client goes. */
export function trickle(size: number, everyMs: number) {
  return (_key: string, _req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': size, etag: '"trickle"' });
    // A JPEG's first bytes, so the head read before the upload takes it for one.
    res.write(Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
    const timer = setInterval(() => res.write(Buffer.from([0])), everyMs);
    res.once('close', () => clearInterval(timer));
  };
}

/**
 * A port where nothing is ever accepted: a process that listens with a backlog of one and is
 * stopped, its queue filled by connections of the test's own, so the next connection to it never
 * completes (its SYN is dropped).
 */
export async function unacceptingPort(): Promise<{ port: number; close(): void }> {
  const script =
    "const s=require('net').createServer();s.listen({port:0,host:'127.0.0.1',backlog:1},()=>{console.log(s.address().port);process.kill(process.pid,'SIGSTOP')})";
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout.once('data', (data) => resolve(Number(String(data).trim()))));
  const fillers = Array.from({ length: 4 }, () => connect(port, '127.0.0.1').on('error', () => {}));
  await new Promise((resolve) => setTimeout(resolve, 300));
  return {
    port,
    close() {
      for (const socket of fillers) socket.destroy();
      child.kill('SIGKILL');
    },
  };
}
