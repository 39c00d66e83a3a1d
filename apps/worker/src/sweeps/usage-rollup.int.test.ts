import { randomUUID } from 'node:crypto';
import { createDatabase, type DatabaseHandle } from '@darkroom/db/client';
import { recordUsage } from '@darkroom/db/queries/usage';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerDeps } from '../deps.js';
import { startUsageRollup } from './usage-rollup.js';

let handle: DatabaseHandle;
beforeAll(() => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
});
afterAll(() => handle?.close());

const log = { info: () => {}, warn: () => {} } as unknown as WorkerDeps['log'];
const depsWith = (rollupIntervalMs: number | null) => ({
  db: handle.db,
  log,
  config: { usage: { metering: true, rollupIntervalMs, hourlyDays: 62 } } as WorkerDeps['config'],
});

describe('startUsageRollup', () => {
  it('rolls what is recorded, pass after pass, until stopped', async () => {
    const tenant = randomUUID();
    const running = startUsageRollup(depsWith(20))!;
    try {
      await recordUsage(handle.db, [{ tenantId: tenant, meter: 'uploads', amount: 3, source: `sweep:${tenant}` }]);
      const rolled = async () => {
        const [row] = await handle.db.execute<{ v: string | null }>(
          sql`select sum(value)::text as v from usage_daily where tenant_id = ${tenant}::uuid and meter = 'uploads'`,
        );
        return row?.v;
      };
      for (let i = 0; i < 200 && (await rolled()) !== '3.000'; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(await rolled()).toBe('3.000');
    } finally {
      await running.stop();
    }
  });

  it('is off with USAGE_ROLLUP_SECONDS=off', () => {
    expect(startUsageRollup(depsWith(null))).toBeNull();
  });
});
