import { describe, expect, it } from 'vitest';
import { createLookupBudget } from './lookup-budget.js';

describe('createLookupBudget', () => {
  it('gives out its lookups a second, then none until the next second', () => {
    let now = 5_000;
    const budget = createLookupBudget(3, () => now);
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([true, true, true, false]);
    now = 5_999;
    expect(budget.take()).toBe(false);
    now = 6_000;
    expect(budget.take()).toBe(true);
  });
});
