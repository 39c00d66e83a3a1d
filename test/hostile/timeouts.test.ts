import { connect, type Socket } from 'node:net';
import { assets } from '@darkroom/db/schema';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { TestApi } from '../support/client.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * A client that starts a request and then stalls or drips is cut off, and the API goes on serving:
 * CONNECTION_TIMEOUT closes a connection that sends nothing for that long, REQUEST_TIMEOUT one whose
 * request has not fully arrived by then. Short limits here, so each case takes a second or two.
 */
const CONNECTION_TIMEOUT_MS = 500;
const REQUEST_TIMEOUT_MS = 1500;
const harness = setupHarness({
  withWorker: false,
  env: { CONNECTION_TIMEOUT: `${CONNECTION_TIMEOUT_MS}ms`, REQUEST_TIMEOUT: `${REQUEST_TIMEOUT_MS}ms` },
});
let apiKey: string;
let tenantId: string;

beforeAll(async () => {
  ({ apiKey, tenantId } = await harness.admin.createTenant('timeouts'));
});

interface RawConnection {
  socket: Socket;
  /** Everything the server wrote. */
  answer(): string;
  /** Resolves with the ms from the connection's opening to the server closing it. */
  closed: Promise<number>;
}

/** A raw connection, read continuously so the server's close reaches us (a paused socket never sees the FIN). */
async function openRaw(): Promise<RawConnection> {
  const socket = connect(Number(new URL(harness.baseUrl).port), '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk) => (answer += String(chunk)));
  socket.on('error', () => {});
  const started = Date.now();
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
  await new Promise((resolve) => socket.once('connect', resolve));
  return { socket, answer: () => answer, closed };
}

function uploadHead(contentLength: number, authorization?: string): string {
  const auth = authorization ? `Authorization: Bearer ${authorization}\r\n` : '';
  return `POST /v1/uploads HTTP/1.1\r\nHost: localhost\r\n${auth}Content-Type: application/json\r\nContent-Length: ${contentLength}\r\n\r\n`;
}

const BODY = JSON.stringify({ filename: 'slow.jpg', contentType: 'image/jpeg', size: 1234 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('request and connection limits', () => {
  it('answers an unauthenticated body that stalls halfway at once (401) and closes the connection', async () => {
    const raw = await openRaw();
    raw.socket.write(`${uploadHead(100)}{"filename":`);
    const ms = await raw.closed;
    expect(raw.answer()).toMatch(/^HTTP\/1\.1 401 /);
    expect(ms).toBeLessThan(REQUEST_TIMEOUT_MS + 1000);
  });

  it('cuts off an authenticated upload start whose body stalls halfway, within CONNECTION_TIMEOUT', async () => {
    const raw = await openRaw();
    raw.socket.write(uploadHead(BODY.length, apiKey) + BODY.slice(0, BODY.length / 2));
    const ms = await raw.closed;
    expect(ms).toBeGreaterThanOrEqual(CONNECTION_TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(CONNECTION_TIMEOUT_MS + 1000);
    // Closed without an answer: the handler never ran, so no upload was started.
    expect(raw.answer()).toBe('');
    expect(await harness.api.db.select().from(assets).where(eq(assets.tenantId, tenantId))).toEqual([]);
  });

  it('refuses with 408 an authenticated body that drips steadily past REQUEST_TIMEOUT', async () => {
    const raw = await openRaw();
    raw.socket.write(uploadHead(BODY.length, apiKey));
    let sent = 0;
    let open = true;
    void raw.closed.then(() => (open = false));
    // A byte every 200 ms: never idle for CONNECTION_TIMEOUT, but the whole body would take ~14 s.
    while (open && sent < BODY.length) {
      raw.socket.write(BODY[sent++]!);
      await sleep(200);
    }
    const ms = await raw.closed;
    expect(sent).toBeLessThan(BODY.length);
    expect(raw.answer()).toMatch(/^HTTP\/1\.1 408 /);
    // In the one error shape, like every other refusal.
    expect(JSON.parse(raw.answer().split('\r\n\r\n')[1]!)).toMatchObject({ error: { code: 'request_timeout' } });
    expect(ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(REQUEST_TIMEOUT_MS + 1000);
    expect(await harness.api.db.select().from(assets).where(eq(assets.tenantId, tenantId))).toEqual([]);
  });

  it('keeps serving, and a body sent at once is not held up by either limit', async () => {
    expect((await fetch(`${harness.baseUrl}/healthz`)).status).toBe(200);
    const client = new TestApi(harness.baseUrl, apiKey);
    expect((await client.request('POST', '/v1/uploads', JSON.parse(BODY))).status).toBe(201);
  });
});
