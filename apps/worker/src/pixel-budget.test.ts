import { describe, expect, it } from 'vitest';
import { createPixelBudget } from './pixel-budget.js';

describe('createPixelBudget', () => {
  it('lets small renders share the budget and makes a big one wait, then run alone', async () => {
    const budget = createPixelBudget(100);
    const releaseA = await budget.acquire(24);
    const releaseB = await budget.acquire(24);
    const order: string[] = [];
    const big = budget.acquire(100).then((release) => (order.push('big'), release));
    const small = budget.acquire(10).then((release) => (order.push('small'), release));
    await Promise.resolve();
    expect(order).toEqual([]); // the big one waits for A and B; the small one queues behind it
    releaseA();
    releaseB();
    const releaseBig = await big;
    await Promise.resolve();
    expect(order).toEqual(['big']);
    releaseBig();
    (await small)();
    expect(order).toEqual(['big', 'small']);
  });

  it('admits a job larger than the whole budget when nothing else runs', async () => {
    const budget = createPixelBudget(100);
    const release = await budget.acquire(400);
    release();
    release(); // a second release gives nothing back twice
    const again = await budget.acquire(100);
    again();
  });
});
