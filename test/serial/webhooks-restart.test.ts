import { readFile } from 'node:fs/promises';
import { isAssetEvent } from '@darkroom/client';
import { WEBHOOK_QUEUE } from '@darkroom/core/queue';
import { Queue } from 'bullmq';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestApi } from '../support/client.js';
import { createTestTenant, noisePng } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { startReceiver, verifyReceipt, type Receiver } from '../support/receiver.js';
import { freePort, spawnApi, spawnApp, waitFor, type WorkerProcess } from '../support/services.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * Deliveries survive restarts of every process: the built API and worker run as processes of their
 * own, are stopped and killed while deliveries are pending, and every event still arrives.
 */
const harness = setupHarness({ withWorker: false });
let jpeg: Uint8Array;
const processes: WorkerProcess[] = [];
const receivers: Receiver[] = [];

const env = () => ({
  QUEUE_PREFIX: harness.prefix,
  WEBHOOK_ALLOW_PRIVATE: 'true',
  WEBHOOK_RETRY_SCHEDULE: '1s,1s,1s,2s,2s,2s,2s,2s,2s,2s,2s,2s',
  WEBHOOK_SWEEP_INTERVAL: '500ms',
  STALLED_TIMEOUT: '2s',
  RECONCILE_INTERVAL: '1s',
});

beforeAll(async () => {
  jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
});
afterEach(async () => {
  for (const p of processes.splice(0)) {
    p.child.kill('SIGKILL');
    await p.exited;
  }
  for (const r of receivers.splice(0)) await r.stop();
});

function spawn(app: 'api' | 'worker', extra: Record<string, string> = {}): WorkerProcess {
  const spawned = spawnApp(app, { ...env(), ...extra });
  processes.push(spawned);
  return spawned;
}

async function stop(p: WorkerProcess, signal: NodeJS.Signals): Promise<void> {
  p.child.kill(signal);
  await p.exited;
}

/** The API on `port` (the same one across a restart), and a client of it with `token`. */
async function startApi(port: number, token: string): Promise<{ process: WorkerProcess; client: TestApi }> {
  const api = await spawnApi(env(), port);
  processes.push(api);
  return { process: api, client: new TestApi(api.baseUrl, token) };
}

async function feedIds(client: TestApi, assetId: string): Promise<string[]> {
  const res = await client.request('GET', '/v1/events?limit=100');
  return res.body.items
    .filter(isAssetEvent)
    .filter((e) => e.data.asset.id === assetId)
    .map((e) => e.id);
}

describe('worker and API restarted while deliveries are pending', () => {
  it('every event arrives once the receiver is back, even after Redis lost the queue', async () => {
    const { client: local } = await createTestTenant(harness, 'webhooks-restart');
    const hook = await startReceiver();
    receivers.push(hook);
    await hook.stop(); // down from the start: every attempt is refused
    const port = await freePort();
    let api = await startApi(port, local.token!);
    const { webhook, secret } = (await api.client.request('POST', '/v1/webhooks', { url: hook.url })).body;
    let worker = spawn('worker');
    const { asset } = await api.client.uploadAndComplete(jpeg, { filename: 'restart.jpg', contentType: 'image/jpeg' });
    await api.client.waitForAsset(asset.id);
    await waitFor(
      'refused attempts in the log',
      async () => {
        const log = await api.client.request('GET', `/v1/webhooks/${webhook.id}/deliveries?limit=100`);
        return log.body.items.filter((a) => a.error === 'connection refused').length >= 3;
      },
      60_000,
      200,
    );

    await stop(worker, 'SIGTERM');
    await stop(api.process, 'SIGTERM');
    // Redis loses every entry: only Postgres knows what is owed.
    const queue = new Queue(WEBHOOK_QUEUE, { connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }, prefix: harness.prefix });
    await queue.obliterate({ force: true });
    await queue.close();
    await hook.start();
    api = await startApi(port, local.token!);
    worker = spawn('worker');

    const events = await feedIds(api.client, asset.id);
    expect(events).toHaveLength(3);
    await hook.until('every event delivered', () => events.every((id) => hook.delivered().some((r) => r.webhookId === id)), 90_000);
    for (const receipt of hook.delivered()) verifyReceipt(secret, receipt);
    const log = await waitFor(
      'every success recorded',
      async () => {
        const items = (await api.client.request('GET', `/v1/webhooks/${webhook.id}/deliveries?limit=100`)).body.items;
        return events.every((id) => items.some((a: { eventId: string; status: string }) => a.eventId === id && a.status === 'succeeded'))
          ? items
          : null;
      },
      30_000,
      200,
    );
    for (const id of events) {
      const attempts = log.filter((a: { eventId: string }) => a.eventId === id);
      expect(attempts[0]).toMatchObject({ status: 'succeeded', attempt: attempts.length });
      expect(attempts.slice(1).every((a: { status: string }) => a.status === 'failed')).toBe(true);
    }
  });
});

describe('a worker SIGKILLed between the state change and its delivery', () => {
  it('loses no event: the attempt it was making is made again under the same number', async () => {
    const { client: local } = await createTestTenant(harness, 'webhooks-sigkill');
    const port = await freePort();
    const api = await startApi(port, local.token!);
    let victim: WorkerProcess | null = null;
    // The first request kills the worker making it, mid-attempt; later ones succeed.
    const hook = await startReceiver((_receipt, index) => {
      if (index === 0) victim?.child.kill('SIGKILL');
      return index === 0 ? 'hang' : 204;
    });
    receivers.push(hook);
    const { webhook, secret } = (await api.client.request('POST', '/v1/webhooks', { url: hook.url })).body;
    victim = spawn('worker');
    const { asset } = await api.client.uploadAndComplete(new Uint8Array(await noisePng(2500)), { filename: 'kill.png', contentType: 'image/png' });
    await waitFor('the worker to be killed', async () => victim!.child.exitCode !== null || victim!.child.signalCode !== null, 60_000, 50);
    expect(await victim.exited).toBe('SIGKILL');

    spawn('worker');
    expect((await api.client.waitForAsset(asset.id, 120_000)).status).toBe('ready');
    const events = await waitFor(
      'the ready event in the feed',
      async () => {
        const ids = await feedIds(api.client, asset.id);
        return ids.length >= 3 ? ids : null;
      },
      30_000,
      200,
    );
    await hook.until('every event delivered', () => events.every((id) => hook.delivered().some((r) => r.webhookId === id)), 120_000);
    for (const receipt of hook.delivered()) verifyReceipt(secret, receipt);
    const killed = hook.receipts[0]!.webhookId;
    // The receiver has its copy a moment before the worker records the answer.
    const rows = await waitFor(
      'the killed attempt to be recorded',
      async () => {
        const log = (await api.client.request('GET', `/v1/webhooks/${webhook.id}/deliveries?limit=100`)).body.items;
        const mine = log.filter((a: { eventId: string }) => a.eventId === killed);
        return mine.every((a: { status: string }) => a.status !== 'pending') ? mine : null;
      },
      30_000,
      200,
    );
    expect(rows).toEqual([expect.objectContaining({ attempt: 1, status: 'succeeded' })]);
  });
});
