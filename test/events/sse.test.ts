import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { MAX_LIVE_STREAMS_PER_UPLOAD_TOKEN } from '@darkroom/core/limits';
import { EVENTS_LISTENER_NAME } from '@darkroom/db/listen';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, type TestTenant } from '../support/fixtures.js';
import { startSecondApi, type SecondApi } from '../support/harness.js';
import { fixture } from '../support/images.js';
import { spawnApi, waitFor, type ApiProcess } from '../support/services.js';
import { openSse, type SseConnection, type SseEvent } from '../support/sse.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * Live status over Server-Sent Events (spec: api-platform.md, "Live status"), against the real
 * pipeline and two API processes: streams are read from `other`, the built API running as an OS
 * process of its own, while changes are made through the test process's API (`harness`) and its
 * worker, so every event crosses processes through Postgres's LISTEN/NOTIFY.
 */
const harness = setupHarness({ env: { SSE_HEARTBEAT: '300ms' } });
let other: ApiProcess;
let jpeg: Uint8Array;
const open: SseConnection[] = [];

beforeAll(async () => {
  // Idle connections are cut after 1 s here; heartbeats come far later than the test waits.
  other = await spawnApi({ QUEUE_PREFIX: harness.prefix, CONNECTION_TIMEOUT: '1s', REQUEST_TIMEOUT: '1s', SSE_HEARTBEAT: '10m' });
  jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
});
afterAll(async () => {
  for (const connection of open) connection.close();
  await other?.stop();
});

async function stream(baseUrl: string, path: string, tenant: TestTenant, headers: Record<string, string> = {}) {
  const connection = await openSse(baseUrl, path, tenant.client.token!, headers);
  open.push(connection);
  return connection;
}

const typesOf = (events: SseEvent[]) => events.map((e) => e.event);
const isReady = (assetId: string) => (e: SseEvent) => e.event === 'asset.ready' && e.data.data.asset.id === assetId;

describe('GET /v1/assets/:id/events', () => {
  it('sends the asset as it is, then processing and ready as they happen, whichever process made them', async () => {
    const tenant = await createTestTenant(harness, 'sse-asset');
    const { asset } = await tenant.client.upload(jpeg, { filename: 'live.jpg', contentType: 'image/jpeg' });
    const live = await stream(other.baseUrl, `/v1/assets/${asset.id}/events`, tenant);
    expect(live.status).toBe(200);
    expect(live.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(live.headers.get('cache-control')).toBe('no-cache');
    expect(live.headers.get('x-accel-buffering')).toBe('no');
    expect(live.headers.get('ratelimit-limit')).toBe('1000000');

    const [snapshot] = await live.waitForEvents(1);
    expect(snapshot).toMatchObject({ id: undefined, event: 'asset.snapshot' });
    expect(snapshot!.data).toEqual((await tenant.client.request('GET', `/v1/assets/${asset.id}`)).body);
    expect(snapshot!.data.status).toBe('awaiting_upload');

    expect((await tenant.client.request('POST', `/v1/uploads/${asset.id}/complete`, {})).status).toBe(202);
    await live.waitForEvents(1, isReady(asset.id));
    expect(typesOf(live.events)).toEqual(['asset.snapshot', 'asset.uploaded', 'asset.processing', 'asset.ready']);
    // Each message is the event as the feed shows it, under its own id.
    const events = live.events.slice(1);
    expect(events.map((e) => e.data)).toEqual(await tenant.client.feed({ assetId: asset.id }));
    expect(events.map((e) => e.id)).toEqual(events.map((e) => e.data.id));
    expect(events.at(-1)!.data.data.asset).toEqual((await tenant.client.request('GET', `/v1/assets/${asset.id}`)).body);
  });

  it('ends the stream once the asset is deleted', async () => {
    const tenant = await createTestTenant(harness, 'sse-delete');
    const { asset } = await tenant.client.upload(jpeg, { filename: 'gone.jpg', contentType: 'image/jpeg' });
    const live = await stream(other.baseUrl, `/v1/assets/${asset.id}/events`, tenant);
    await live.waitForEvents(1);
    expect((await tenant.client.request('DELETE', `/v1/assets/${asset.id}`)).status).toBe(204);
    await live.ended;
    expect(typesOf(live.events)).toEqual(['asset.snapshot', 'asset.deleted']);
  });

  it("answers another tenant's, an unknown or a malformed id with 404 not_found before any stream", async () => {
    const owner = await createTestTenant(harness, 'sse-owner');
    const intruder = await createTestTenant(harness, 'sse-intruder');
    const { asset } = await owner.client.upload(jpeg, { filename: 'mine.jpg', contentType: 'image/jpeg' });
    for (const id of [asset.id, '01890a5d-ac96-774b-bcce-b302099a8057', 'nope']) {
      const res = await stream(harness.baseUrl, `/v1/assets/${id}/events`, intruder);
      expect(res.status, id).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.error.error.code).toBe('not_found');
    }
    const anonymous = await fetch(`${harness.baseUrl}/v1/assets/${asset.id}/events`);
    expect(anonymous.status).toBe(401);
  });
});

describe('GET /v1/events/stream', () => {
  it('replays what a client missed while disconnected (Last-Event-ID), with no gap and no repeat', async () => {
    const tenant = await createTestTenant(harness, 'sse-reconnect');
    const first = await stream(other.baseUrl, '/v1/events/stream', tenant);
    const one = await tenant.client.uploadAndComplete(jpeg, { filename: 'one.jpg', contentType: 'image/jpeg' });
    await first.waitForEvents(1, isReady(one.asset.id));
    first.close();
    await first.ended;

    // While it is away: another upload runs through, and the first asset is deleted.
    const two = await tenant.client.uploadAndComplete(jpeg, { filename: 'two.jpg', contentType: 'image/jpeg' });
    await tenant.client.waitForAsset(two.asset.id);
    expect((await tenant.client.request('DELETE', `/v1/assets/${one.asset.id}`)).status).toBe(204);

    const lastSeen = first.events.at(-1)!.id!;
    const second = await stream(other.baseUrl, '/v1/events/stream', tenant, { 'last-event-id': lastSeen });
    await second.waitForEvents(1, (e) => e.event === 'asset.deleted');
    const three = await tenant.client.uploadAndComplete(jpeg, { filename: 'three.jpg', contentType: 'image/jpeg' });
    await second.waitForEvents(1, isReady(three.asset.id));

    const received = [...first.events, ...second.events];
    expect(received.map((e) => e.id)).toEqual((await tenant.client.feed()).map((e) => e.id));
    expect(typesOf(second.events).slice(0, 4)).toEqual(['asset.uploaded', 'asset.processing', 'asset.ready', 'asset.deleted']);
  });

  it('refuses a malformed Last-Event-ID with 400 invalid_request', async () => {
    const tenant = await createTestTenant(harness, 'sse-bad-id');
    const res = await stream(harness.baseUrl, '/v1/events/stream', tenant, { 'last-event-id': 'yesterday' });
    expect(res.status).toBe(400);
    expect(res.error.error.code).toBe('invalid_request');
  });

  it('sends a comment line every SSE_HEARTBEAT', async () => {
    const tenant = await createTestTenant(harness, 'sse-heartbeat');
    const live = await stream(harness.baseUrl, '/v1/events/stream', tenant);
    await waitFor('two heartbeats', async () => live.comments >= 2, 30_000);
    expect(live.events).toEqual([]);
  });

  it('outlives CONNECTION_TIMEOUT while nothing happens, then still delivers', async () => {
    const tenant = await createTestTenant(harness, 'sse-idle');
    const live = await stream(other.baseUrl, '/v1/events/stream', tenant);
    await new Promise((resolve) => setTimeout(resolve, 3000)); // three times CONNECTION_TIMEOUT, in silence
    const { asset } = await tenant.client.uploadAndComplete(jpeg, { filename: 'idle.jpg', contentType: 'image/jpeg' });
    await live.waitForEvents(1, (e) => e.data.data.asset.id === asset.id);
    expect(live.comments).toBe(0);
  });

  it('loses nothing when the listening connection is cut and reconnects', async () => {
    const tenant = await createTestTenant(harness, 'sse-relisten');
    const live = await stream(other.baseUrl, '/v1/events/stream', tenant);
    const killed = await harness.api.db.execute(sql`
      select pg_terminate_backend(pid) from pg_stat_activity
      where application_name = ${EVENTS_LISTENER_NAME} and datname = current_database()`);
    expect(killed.length).toBeGreaterThanOrEqual(1);
    const { asset } = await tenant.client.uploadAndComplete(jpeg, { filename: 'relisten.jpg', contentType: 'image/jpeg' });
    await live.waitForEvents(1, isReady(asset.id));
    expect(typesOf(live.events)).toEqual(['asset.uploaded', 'asset.processing', 'asset.ready']);
  });
});

describe('limits, metrics and shutdown', () => {
  let third: SecondApi;
  let closed: Promise<void> | undefined;
  beforeAll(async () => {
    third = await startSecondApi(harness, { SSE_MAX_STREAMS_PER_TENANT: '2', SSE_MAX_STREAMS: '3' });
  });
  afterAll(() => (closed ??= third?.close()));

  const gauge = async () => {
    const text = await (await fetch(`${third.baseUrl}/metrics`)).text();
    return [...text.matchAll(/^darkroom_sse_connections_open\{stream="(\w+)"\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[2]), 0);
  };

  it('caps streams per tenant (429) and per process (503), counts them in /metrics, and closes them on app.close()', async () => {
    const x = await createTestTenant(harness, 'sse-limit-x');
    const y = await createTestTenant(harness, 'sse-limit-y');
    const { asset } = await x.client.upload(jpeg, { filename: 'x.jpg', contentType: 'image/jpeg' });
    const streams = [await stream(third.baseUrl, '/v1/events/stream', x), await stream(third.baseUrl, `/v1/assets/${asset.id}/events`, x)];
    expect(streams.map((s) => s.status)).toEqual([200, 200]);
    const overTenant = await stream(third.baseUrl, '/v1/events/stream', x);
    expect(overTenant.status).toBe(429);
    expect(overTenant.error.error).toMatchObject({ code: 'rate_limited', details: { limit: 2 } });

    streams.push(await stream(third.baseUrl, '/v1/events/stream', y));
    expect(streams[2]!.status).toBe(200);
    const overProcess = await stream(third.baseUrl, '/v1/events/stream', y);
    expect(overProcess.status).toBe(503);
    expect(overProcess.error.error.code).toBe('service_unavailable');
    expect(await gauge()).toBe(3);

    // A closed stream gives its slot back once the server sees it go.
    streams.shift()!.close();
    await waitFor('the gauge to drop', async () => (await gauge()) === 2, 30_000);
    streams.push(await stream(third.baseUrl, '/v1/events/stream', x));
    expect(streams.at(-1)!.status).toBe(200);

    // Shutdown ends the open streams instead of waiting for them.
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('app.close() hung on open streams')), 20_000)));
    closed = third.close();
    await Promise.race([closed, stuck]).finally(() => clearTimeout(timer));
    await Promise.all(streams.map((s) => s.ended));
  });
});

describe('a client that hangs up while its stream opens', () => {
  it('gives its slot back: hang-ups on either route leave no stream open and the tenant’s next stream opens', async () => {
    const api = await startSecondApi(harness, { SSE_MAX_STREAMS_PER_TENANT: '2' });
    try {
      const tenant = await createTestTenant(harness, 'sse-hangup');
      const { asset } = await tenant.client.upload(jpeg, { filename: 'h.jpg', contentType: 'image/jpeg' });
      const { port, hostname } = new URL(api.baseUrl);
      for (const path of ['/v1/events/stream', `/v1/assets/${asset.id}/events`]) {
        for (let i = 0; i < 5; i++) {
          // The request, then the socket gone before the server has set the stream up.
          const socket = connect(Number(port), hostname);
          await new Promise<void>((resolve) => socket.once('connect', resolve));
          socket.write(`GET ${path} HTTP/1.1\r\nhost: darkroom\r\nauthorization: Bearer ${tenant.client.token}\r\n\r\n`);
          await new Promise((resolve) => setTimeout(resolve, i));
          socket.destroy();
        }
      }
      const open = async () => {
        const text = await (await fetch(`${api.baseUrl}/metrics`)).text();
        return [...text.matchAll(/^darkroom_sse_connections_open\{stream="\w+"\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
      };
      // Nothing tells when the server is done with a request whose client is gone: each takes it
      // a few queries, so a second is plenty.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await open()).toBe(0);
      const live = await stream(api.baseUrl, '/v1/events/stream', tenant);
      expect(live.status).toBe(200);
      live.close();
    } finally {
      await api.close();
    }
  });
});

describe('a stream whose credential ends', () => {
  it('ends once its key is revoked, within a heartbeat or two (an upload token’s, once it expires)', async () => {
    const tenant = await createTestTenant(harness, 'sse-revoked');
    const made = await tenant.admin.request('POST', `/v1/admin/tenants/${tenant.tenantId}/keys`, {});
    const key = made.body as { id: string; apiKey: string };
    const live = await openSse(harness.baseUrl, '/v1/events/stream', key.apiKey);
    open.push(live);
    expect(live.status).toBe(200);
    expect((await tenant.admin.request('DELETE', `/v1/admin/keys/${key.id}`)).status).toBe(204);
    const late = new Promise<string>((resolve) => setTimeout(() => resolve('still open after 5 s'), 5000));
    expect(await Promise.race([live.ended.then(() => 'ended'), late])).toBe('ended');
  });
});

describe('streams an upload token opens', () => {
  it('count against the token’s own cap, never the slots its tenant’s key streams with', async () => {
    const api = await startSecondApi(harness, { SSE_MAX_STREAMS_PER_TENANT: '2' });
    try {
      const tenant = await createTestTenant(harness, 'sse-token-cap');
      const browser = await tenant.client.withUploadToken();
      const { asset } = await browser.upload(jpeg, { filename: 'b.jpg', contentType: 'image/jpeg' });
      const opened: SseConnection[] = [];
      for (let i = 0; i < MAX_LIVE_STREAMS_PER_UPLOAD_TOKEN; i++) {
        opened.push(await openSse(api.baseUrl, `/v1/assets/${asset.id}/events`, browser.token!));
      }
      open.push(...opened);
      expect(opened.map((s) => s.status)).toEqual(opened.map(() => 200));
      const over = await openSse(api.baseUrl, `/v1/assets/${asset.id}/events`, browser.token!);
      open.push(over);
      expect(over.status).toBe(429);
      // The platform's own stream still opens: the token took none of the tenant's two slots.
      const platform = await stream(api.baseUrl, '/v1/events/stream', tenant);
      expect(platform.status).toBe(200);
    } finally {
      await api.close();
    }
  });
});
