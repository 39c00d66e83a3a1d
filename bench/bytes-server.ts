/**
 * The delivery bench's floor for a repeated request: Node's HTTP listener alone answering every
 * request with the bytes of BYTES_FILE, read into memory once, under the headers Darkroom sends
 * for a stored render. What the load generator measures of it is its own ceiling on this machine.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const body = readFileSync(process.env.BYTES_FILE!);
const headers = {
  'content-type': 'image/webp',
  'content-length': String(body.length),
  'cache-control': 'public, max-age=31536000, immutable',
  etag: '"bench-bytes"',
};
const server = createServer((_request, response) => {
  response.writeHead(200, headers);
  response.end(body);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
server.listen(Number(process.env.PORT), '127.0.0.1');
