import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { waitFor } from '../support/services.js';

/** A client that starts a request and then stalls is cut off, and the API goes on serving. */
let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ withWorker: false, env: { CONNECTION_TIMEOUT: '500ms' } });
});
afterAll(() => harness?.close());

describe('request and connection limits', () => {
  it('closes a connection whose body stalls halfway', async () => {
    const { port } = new URL(harness.baseUrl);
    const socket = connect(Number(port), '127.0.0.1');
    let closed = false;
    socket.on('close', () => (closed = true));
    socket.on('error', () => {});
    // Read what the server says, so its close reaches us (a paused socket never sees the FIN).
    let answer = '';
    socket.on('data', (chunk) => (answer += String(chunk)));
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST /v1/uploads HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"filename":');
    // Nothing more is sent: the server must not wait forever.
    await waitFor('the server to close the stalled connection', async () => closed, 10_000, 50);
    // It answered with a client error (no key: 401) rather than waiting for the rest of the body.
    expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect((await fetch(`${harness.baseUrl}/healthz`)).status).toBe(200);
  });
});
