import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type Database, type DatabaseHandle } from '@darkroom/db/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, staleBuilds } from '../../../test/support/services.js';
import { HOUR_MS } from './batch.js';
import { createUsageCounters, type UsageCounters } from './counters.js';
import { databaseTagOf, parseSpoolFileName, type SpoolPlace } from './spool.js';
import { thisProcess, type SpoolOwner } from './spool-owner.js';
import { failingAfterCommit, keptLog, recorded as recordedOf } from './test-usage.js';

let handle: DatabaseHandle;
beforeAll(() => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
});
const scratch = mkdtempSync(join(tmpdir(), 'darkroom-spool-int-'));
afterAll(async () => {
  await handle?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const log = keptLog();
const recorded = (tenantId: string) => recordedOf(handle.db, tenantId);

/** A spool directory of the test's own: a replay in it sees only the test's files. */
const newPlace = (): SpoolPlace => ({ dir: mkdtempSync(join(scratch, 'spool-')), database: databaseTagOf(process.env.DATABASE_URL!) });
const spooled = (place: SpoolPlace) => readdirSync(place.dir).filter((name) => parseSpoolFileName(name) !== null);

/** A process that counts 1500 class A requests and 1000 presigned reads, flushes the first 500, says so, and waits for its kill. */
const COUNTING_PROCESS = `
import { createDatabase } from '@darkroom/db/client';
import { createUsageCounters } from '@darkroom/usage';
const { db } = createDatabase({ url: process.env.DATABASE_URL, maxConnections: 1 });
const log = { info() {}, warn: (object, message) => console.error(message, object) };
const counters = createUsageCounters({ db, processName: 'test', flushSeconds: 300, log, spool: JSON.parse(process.env.SPOOL) });
const tenant = process.env.TENANT;
for (let i = 0; i < 500; i++) counters.add(tenant, 'bucket_class_a', 1);
await counters.flush();
for (let i = 0; i < 1000; i++) {
  counters.add(tenant, 'bucket_class_a', 1);
  counters.add(tenant, 'presigned_urls_b', 1);
}
process.stdout.write('counted\\n');
setInterval(() => {}, 60_000);
`;

/** This machine's process that was, and is gone: its pid is free. */
function goneOwner(): SpoolOwner {
  return { ...thisProcess(), pid: spawnSync(process.execPath, ['-e', '']).pid! };
}

/**
 * Counters of a process that is gone: written as a dead process's, and never flushed by their timer
 * (every 5 minutes); what the test does not flush, the "kill" loses from memory.
 */
const deadCounters = (place: SpoolPlace, db: Database = handle.db): UsageCounters =>
  createUsageCounters({ db, processName: 'test', flushSeconds: 300, log, spool: place, owner: goneOwner() });
/** Counters of this (live) process: the next process, which replays. */
const liveCounters = (place: SpoolPlace): UsageCounters =>
  createUsageCounters({ db: handle.db, processName: 'test', flushSeconds: 300, log, spool: place });

describe('the usage spool', () => {
  it('gives the next process exactly what a killed one had not flushed, once', async () => {
    const place = newPlace();
    const [a, b] = [randomUUID(), randomUUID()];
    const dead = deadCounters(place);
    dead.add(a, 'bucket_class_a', 1);
    dead.add(a, 'bucket_class_a', 1);
    await dead.flush();
    expect(spooled(place)).toEqual([]);
    dead.add(a, 'bucket_class_a', 3);
    dead.add(b, 'presigned_urls_a', 5);
    dead.add(b, 'delivery_bytes', 1500);
    dead.add(b, 'delivery_bytes', 2500);
    expect(spooled(place)).toHaveLength(1);

    const next = liveCounters(place);
    await next.replay();
    await next.replay();
    expect(await recorded(a)).toEqual({ bucket_class_a: { sum: 5, events: 2 } });
    expect(await recorded(b)).toEqual({ presigned_urls_a: { sum: 5, events: 1 }, delivery_bytes: { sum: 4000, events: 1 } });
    expect(spooled(place)).toEqual([]);
    await next.stop();
  });

  it('counts once a batch its process committed but had not removed the file of', async () => {
    const place = newPlace();
    const tenant = randomUUID();
    const dead = deadCounters(place, failingAfterCommit(handle.db, 1));
    dead.add(tenant, 'bucket_class_b', 4);
    // Committed, but unheard: the batch stays pending, and its file with it.
    await dead.flush();
    expect(spooled(place)).toHaveLength(1);
    dead.add(tenant, 'bucket_class_b', 1);
    expect(spooled(place)).toHaveLength(2);

    const next = liveCounters(place);
    await next.replay();
    expect(await recorded(tenant)).toEqual({ bucket_class_b: { sum: 5, events: 2 } });
    expect(spooled(place)).toEqual([]);
    await next.stop();
  });

  it('counts once a batch replayed while its process flushes it late, or by two processes at once', async () => {
    const place = newPlace();
    const tenants = Array.from({ length: 10 }, () => randomUUID());
    const [next, other] = [liveCounters(place), liveCounters(place)];
    for (const tenant of tenants) {
      const dead = deadCounters(place);
      dead.add(tenant, 'bucket_class_c', 2);
      await Promise.all([dead.flush(), next.replay(), other.replay()]);
    }
    for (const tenant of tenants) expect(await recorded(tenant)).toEqual({ bucket_class_c: { sum: 2, events: 1 } });
    expect(spooled(place)).toEqual([]);
    await Promise.all([next.stop(), other.stop()]);
  });

  it('leaves out a line cut short by the kill', async () => {
    const place = newPlace();
    const tenant = randomUUID();
    const dead = deadCounters(place);
    dead.add(tenant, 'bucket_class_a', 1);
    dead.add(tenant, 'bucket_class_a', 1);
    const [file] = spooled(place);
    const hour = Date.now() - (Date.now() % HOUR_MS);
    appendFileSync(join(place.dir, file!), `${hour} ${tenant} bucket_cla`);
    // A process killed in its first count's write: a file with no whole line.
    const torn = file!.replace(/_test\.[0-9a-f-]{36}_1\.spool$/, `_test.${randomUUID()}_1.spool`);
    expect(torn).not.toBe(file);
    writeFileSync(join(place.dir, torn), `${hour} ${tenant} bucket_class_a`);
    const warned = log.warnings.length;

    const next = liveCounters(place);
    await next.replay();
    expect(await recorded(tenant)).toEqual({ bucket_class_a: { sum: 2, events: 1 } });
    expect(spooled(place)).toEqual([]);
    expect(log.warnings.length).toBe(warned);
    await next.stop();
  });

  it('leaves alone the files of live processes and of another database', async () => {
    const place = newPlace();
    const tenant = randomUUID();
    const live = liveCounters(place);
    live.add(tenant, 'bucket_class_a', 1);
    const dead = deadCounters({ ...place, database: databaseTagOf('postgres://127.0.0.1:5432/another_deployment') });
    dead.add(tenant, 'bucket_class_a', 1);
    expect(spooled(place)).toHaveLength(2);

    const next = liveCounters(place);
    await next.replay();
    expect(await recorded(tenant)).toEqual({});
    expect(spooled(place)).toHaveLength(2);
    await live.stop();
    expect(await recorded(tenant)).toEqual({ bucket_class_a: { sum: 1, events: 1 } });
    expect(spooled(place)).toHaveLength(1);
    await next.stop();
  });

  it('gives the next process what a process SIGKILLed had counted, to the count', async () => {
    const stale = staleBuilds();
    if (stale.length > 0) throw new Error(`run \`npm run build\` first: dist/ is older than src/ in ${stale.join(', ')}`);
    const place = newPlace();
    const tenant = randomUUID();
    const child = spawn(process.execPath, ['--input-type=module', '-e', COUNTING_PROCESS], {
      cwd: root,
      env: { ...process.env, SPOOL: JSON.stringify(place), TENANT: tenant },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const killed = new Promise((resolve) => child.on('exit', (_, signal) => resolve(signal)));
    await new Promise<void>((resolve) => child.stdout!.on('data', (chunk: Buffer) => chunk.includes('counted') && resolve()));
    child.kill('SIGKILL');
    expect(await killed).toBe('SIGKILL');
    // Its first batch it flushed; the rest only its spool holds.
    expect((await recorded(tenant)).bucket_class_a).toEqual({ sum: 500, events: 1 });

    const next = liveCounters(place);
    await next.replay();
    expect(await recorded(tenant)).toEqual({ bucket_class_a: { sum: 1500, events: 2 }, presigned_urls_b: { sum: 1000, events: 1 } });
    expect(spooled(place)).toEqual([]);
    await next.stop();
  });
});
