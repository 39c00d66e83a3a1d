import { randomUUID } from 'node:crypto';
import { createDatabase, type DatabaseHandle } from '@darkroom/db/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsageCounters, noUsageCounters } from './counters.js';
import { failingAfterCommit, keptLog, recorded as recordedOf } from './test-usage.js';

let handle: DatabaseHandle;
beforeAll(() => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
});
afterAll(() => handle?.close());

const log = keptLog();
const { warnings } = log;
const recorded = (tenantId: string) => recordedOf(handle.db, tenantId);

describe('usage counters', () => {
  it('writes the sums of a flush by tenant and meter, the deployment on its own row', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const counters = createUsageCounters({ db: handle.db, processName: 'test', flushSeconds: 300, log });
    counters.add(a, 'delivery_requests', 1);
    counters.add(a, 'delivery_requests', 1);
    counters.add(a, 'delivery_bytes', 1500);
    counters.add(b, 'bucket_class_a', 3);
    counters.add(null, 'bucket_class_c', 1);
    await counters.flush();
    expect(await recorded(a)).toEqual({ delivery_requests: { sum: 2, events: 1 }, delivery_bytes: { sum: 1500, events: 1 } });
    expect(await recorded(b)).toEqual({ bucket_class_a: { sum: 3, events: 1 } });
    // Nothing counted since: a flush writes nothing more.
    await counters.flush();
    expect(await recorded(a)).toEqual({ delivery_requests: { sum: 2, events: 1 }, delivery_bytes: { sum: 1500, events: 1 } });
    await counters.stop();
  });

  it('writes a failed batch again under its own key, so it counts once, and what came meanwhile with the next', async () => {
    const tenant = randomUUID();
    const counters = createUsageCounters({ db: failingAfterCommit(handle.db, 1), processName: 'test', flushSeconds: 300, log });
    counters.add(tenant, 'presigned_urls_a', 4);
    const before = warnings.length;
    await counters.flush();
    expect(warnings.length).toBe(before + 1);
    counters.add(tenant, 'presigned_urls_a', 1);
    await counters.flush();
    // The first batch was written twice (once unheard), and counted once; the second on its own.
    expect(await recorded(tenant)).toEqual({ presigned_urls_a: { sum: 5, events: 2 } });
    await counters.stop();
  });

  it('flushes what is left when stopped', async () => {
    const tenant = randomUUID();
    const counters = createUsageCounters({ db: handle.db, processName: 'test', flushSeconds: 300, log });
    counters.add(tenant, 'bucket_class_b', 7);
    await counters.stop();
    expect(await recorded(tenant)).toEqual({ bucket_class_b: { sum: 7, events: 1 } });
  });

  it('flushes on its own every flushSeconds', async () => {
    const tenant = randomUUID();
    const counters = createUsageCounters({ db: handle.db, processName: 'test', flushSeconds: 1, log });
    counters.add(tenant, 'delivery_requests', 1);
    await expect.poll(() => recorded(tenant), { timeout: 5000 }).toEqual({ delivery_requests: { sum: 1, events: 1 } });
    await counters.stop();
  });

  it('counts nothing when metering is off', async () => {
    const counters = noUsageCounters();
    counters.add(randomUUID(), 'delivery_requests', 1);
    await expect(counters.stop()).resolves.toBeUndefined();
  });
});
