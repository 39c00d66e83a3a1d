/**
 * The URL import bench's source (bench/import-urls.ts): every GET answers FILE_BYTES with a
 * Content-Length, a JPEG's first bytes (what an import's sniffing takes the type from; nothing
 * decodes them, as processing is left out) and then random bytes, a megabyte made once and sent
 * again and again, so the server holds one megabyte whatever it sends (at any path ending `.jpg`). Its own process: its CPU is
 * apart from both sides it feeds.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const FILE_BYTES = Number(process.env.FILE_BYTES);
const CHUNK = randomBytes(1_000_000);
/** SOI and a JFIF APP0 segment. */
const JPEG_START = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
]);
const FIRST = Buffer.concat([JPEG_START, CHUNK.subarray(JPEG_START.length)]);

function* body(): Generator<Buffer> {
  for (let sent = 0; sent < FILE_BYTES; ) {
    const chunk = (sent === 0 ? FIRST : CHUNK).subarray(0, FILE_BYTES - sent);
    sent += chunk.length;
    yield chunk;
  }
}

const server = createServer((request, response) => {
  // Any other path answers at once: what a readiness check asks.
  if (!request.url?.endsWith('.jpg')) return void response.writeHead(404).end();
  response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(FILE_BYTES) });
  if (request.method === 'HEAD') return void response.end();
  // A reader that goes away (an import cut off) ends its body: nothing to report.
  pipeline(Readable.from(body(), { objectMode: false }), response).catch(() => {});
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
server.listen(Number(process.env.PORT), '127.0.0.1');
