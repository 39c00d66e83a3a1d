import { randomUUID } from 'node:crypto';
import { deleteEventsBefore } from '@darkroom/db/queries/events-written';
import { events } from '@darkroom/db/schema';
import { inArray, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant } from '../support/fixtures.js';
import { waitFor } from '../support/services.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * `darkroom_events_written_total` counts the committed events exactly. In the serial lane: the figure
 * is the deployment's (the whole database), so no other test file may write events meanwhile.
 */
const harness = setupHarness({ withWorker: false });
let tenantId: string;

beforeAll(async () => {
  ({ tenantId } = await createTestTenant(harness, 'events-metric'));
});

async function written(): Promise<number> {
  const text = await (await fetch(`${harness.baseUrl}/metrics`)).text();
  return Number(/^darkroom_events_written_total (\d+)$/m.exec(text)?.[1]);
}

/** Writes events on a connection of its own: `rolledBack` in transactions that fail, then `committed` ones; returns their ids. */
async function writeEvents(rolledBack: number, committed: number): Promise<string[]> {
  const writer = postgres(harness.api.config.databaseUrl, { max: 1, onnotice: () => {} });
  const insert = async (tx: postgres.TransactionSql) => {
    const [row] = await tx<{ id: string }[]>`insert into events (id, tenant_id, asset_id, type, data, created_at)
      values (darkroom_event_id(clock_timestamp()), ${tenantId}, ${randomUUID()}, 'asset.updated', '{"asset":{}}'::jsonb, clock_timestamp())
      returning id`;
    return row!.id;
  };
  try {
    for (let i = 0; i < rolledBack; i++) {
      await writer
        .begin(async (tx) => {
          await insert(tx);
          throw new Error('rolled back');
        })
        .catch(() => {});
    }
    const ids: string[] = [];
    for (let i = 0; i < committed; i++) ids.push(await writer.begin(insert));
    // Publish this connection's table statistics now (Postgres would within seconds): what the
    // figure was read from before, where the rolled-back rows count as inserted too.
    await writer`select pg_stat_force_next_flush()`;
    await writer`select 1`;
    return ids;
  } finally {
    await writer.end();
  }
}

describe('darkroom_events_written_total', () => {
  it('counts the events committed: none rolled back, and none fewer once retention drops them', async () => {
    const before = await written();
    expect(before).toBeGreaterThanOrEqual(0);
    const kept = await writeEvents(3, 2);
    await waitFor('the committed events to be counted', async () => (await written()) >= before + 2, 20_000, 200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await written()).toBe(before + 2);

    await harness.api.db.update(events).set({ createdAt: sql`now() - interval '31 days'` }).where(inArray(events.id, kept));
    expect(await deleteEventsBefore(harness.api.db, { before: new Date(Date.now() - 30 * 86_400_000), limit: 1000 })).toBeGreaterThanOrEqual(2);
    expect(await harness.api.db.select().from(events).where(inArray(events.id, kept))).toEqual([]);
    expect(await written()).toBe(before + 2);
  });
});
