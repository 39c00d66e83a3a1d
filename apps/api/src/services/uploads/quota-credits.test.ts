import type { Executor } from '@darkroom/db/client';
import type { HoldRequest } from '@darkroom/db/queries/usage';
import { describe, expect, it } from 'vitest';
import { createQuotaCredits, type HoldStatements } from './quota-credits.js';

/** Holds granted in full (the room is endless) a tick after they are asked: each request kept. */
function fakeHolds() {
  const taken: HoldRequest[] = [];
  const givenBack: Array<[string, number]> = [];
  const statements: HoldStatements = {
    takeQuotaHold: async (_db, r) => {
      taken.push(r);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const need = r.sizes.reduce((sum, size) => sum + size, 0);
      return { granted: need + r.extra, credit: r.extra, refusals: r.sizes.map(() => null) };
    },
    giveBackToHold: async (_db, holdId, amount) => void givenBack.push([holdId, amount]),
  };
  return { taken, givenBack, statements };
}

const start = { tenantId: 't', limits: [{ quota: 'storedBytes' as const, limit: 10 ** 12 }], size: 100 };

describe('quota credits', () => {
  it('hold a lone start exactly, and take credit once starts queue behind a hold', async () => {
    const { taken, statements } = fakeHolds();
    const credits = createQuotaCredits({} as Executor, { urlTtlSeconds: 60 }, statements);
    const first = credits.reserve(start);
    const queued = Array.from({ length: 10 }, () => credits.reserve(start));
    await Promise.all([first, ...queued]);
    expect(taken.map((r) => [r.sizes.length, r.extra])).toEqual([
      [1, 0],
      [10, 1000],
    ]);
    // The credit serves the next starts without a statement...
    const served = await Promise.all(Array.from({ length: 10 }, () => credits.reserve(start)));
    expect(taken).toHaveLength(2);
    expect(new Set(served.map((r) => r.holdId))).toEqual(new Set([taken[1]!.holdId]));
    await credits.close();
  });

  it('serve the starts that queued behind a hold from its credit, not from another hold', async () => {
    const { taken, statements } = fakeHolds();
    const credits = createQuotaCredits({} as Executor, { urlTtlSeconds: 60 }, statements);
    const first = credits.reserve(start);
    const second = Array.from({ length: 10 }, () => credits.reserve(start));
    // While the second hold (with its credit of 10 starts) is in flight, 10 more arrive.
    await new Promise((resolve) => setTimeout(resolve, 7));
    const third = Array.from({ length: 10 }, () => credits.reserve(start));
    await Promise.all([first, ...second, ...third]);
    expect(taken).toHaveLength(2);
    await credits.close();
  });

  it('give back what is left of a credit on close, and keep its rate for the next one', async () => {
    const { taken, givenBack, statements } = fakeHolds();
    const credits = createQuotaCredits({} as Executor, { urlTtlSeconds: 60 }, statements);
    await Promise.all(Array.from({ length: 5 }, () => credits.reserve(start)));
    await Promise.all(Array.from({ length: 2 }, () => credits.reserve(start)));
    await credits.close();
    // Credit of 4 starts (the 4 that queued behind the first), 2 of them spent.
    expect(givenBack).toEqual([[taken[1]!.holdId, 200]]);
    await Promise.all(Array.from({ length: 3 }, () => credits.reserve(start)));
    expect(taken.at(-1)!.extra).toBe(Math.max(200, 2 * 200));
    await credits.close();
  });
});
