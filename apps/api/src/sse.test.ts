import { connect, type AddressInfo, type Socket } from 'node:net';
import type { ServerResponse } from 'node:http';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStream, type EventStream } from './sse.js';

/** A real stream on a loopback port, its client a socket that never reads. */
const app = Fastify();
let opened: (value: { stream: EventStream; res: ServerResponse }) => void;
const streamOpened = new Promise<{ stream: EventStream; res: ServerResponse }>((resolve) => (opened = resolve));
let client: Socket;

beforeAll(async () => {
  app.get('/stream', async (request, reply) => {
    opened({ stream: openEventStream(request, reply, { heartbeatMs: 5 }), res: reply.raw });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  client?.destroy();
  await app.close();
});

describe('a stream whose client never reads', () => {
  it('queues no heartbeat behind what the client has not taken: its buffer stops growing', async () => {
    const { port } = app.server.address() as AddressInfo;
    client = connect(port, '127.0.0.1');
    client.pause();
    client.write('GET /stream HTTP/1.1\r\nhost: darkroom\r\n\r\n');
    const { stream, res } = await streamOpened;
    // Fill the kernel's buffers and the socket's until the stream stays backed up.
    const big = { event: 'fill', data: 'x'.repeat(256 * 1024) };
    for (let round = 0; round < 100 && !res.writableNeedDrain; round++) {
      while (stream.offer(big));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(res.writableNeedDrain).toBe(true);
    const before = res.writableLength;
    // Forty heartbeats' time.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(res.writableLength).toBe(before);
  });
});
