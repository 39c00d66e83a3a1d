import { describe, expect, it } from 'vitest';
import { MAX_BATCH_ITEMS, ownerBatches } from './owner-batches.js';

interface Item {
  owner: string;
  n: number;
}

/** A run that records each statement's items and ends only when the test says so. */
function heldRuns() {
  const statements: Item[][] = [];
  const ends: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const run = (items: Item[]) =>
    new Promise<void>((resolve, reject) => {
      statements.push(items);
      ends.push({ resolve, reject });
    });
  return { statements, ends, batched: ownerBatches(run, (item: Item) => item.owner) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ownerBatches', () => {
  it('sends the first call at once and the calls that arrive meanwhile together in the next statement', async () => {
    const { statements, ends, batched } = heldRuns();
    const settled: number[] = [];
    const calls = [1, 2, 3, 4].map((n) => batched([{ owner: 'a', n }]).then(() => settled.push(n)));
    expect(statements).toEqual([[{ owner: 'a', n: 1 }]]);
    ends[0]!.resolve();
    await tick();
    expect(settled).toEqual([1]);
    expect(statements[1]).toEqual([2, 3, 4].map((n) => ({ owner: 'a', n })));
    ends[1]!.resolve();
    await Promise.all(calls);
    expect(settled).toEqual([1, 2, 3, 4]);
    expect(statements).toHaveLength(2);
  });

  it('keeps owners apart, each with a statement of its own in flight', async () => {
    const { statements, batched } = heldRuns();
    void batched([{ owner: 'a', n: 1 }]);
    void batched([{ owner: 'b', n: 2 }]);
    void batched([{ owner: 'a', n: 3 }]);
    expect(statements).toEqual([[{ owner: 'a', n: 1 }], [{ owner: 'b', n: 2 }]]);
  });

  it('runs a call with several owners alone and at once', async () => {
    const { statements, batched } = heldRuns();
    void batched([{ owner: 'a', n: 1 }]);
    void batched([
      { owner: 'a', n: 2 },
      { owner: 'b', n: 3 },
    ]);
    expect(statements).toHaveLength(2);
    expect(statements[1]).toHaveLength(2);
  });

  it('rejects every call of a failed statement and goes on with the next', async () => {
    const { statements, ends, batched } = heldRuns();
    const first = batched([{ owner: 'a', n: 1 }]);
    const second = batched([{ owner: 'a', n: 2 }]);
    const third = batched([{ owner: 'a', n: 3 }]);
    ends[0]!.resolve();
    await first;
    ends[1]!.reject(new Error('deadlock'));
    await expect(second).rejects.toThrow('deadlock');
    await expect(third).rejects.toThrow('deadlock');
    const fourth = batched([{ owner: 'a', n: 4 }]);
    expect(statements.at(-1)).toEqual([{ owner: 'a', n: 4 }]);
    ends[2]!.resolve();
    await fourth;
  });

  it(`carries at most ${MAX_BATCH_ITEMS} items a statement, never splitting a call`, async () => {
    const { statements, ends, batched } = heldRuns();
    const page = (n: number) => Array.from({ length: 600 }, () => ({ owner: 'a', n }));
    const calls = [batched([{ owner: 'a', n: 0 }]), batched(page(1)), batched(page(2))];
    ends[0]!.resolve();
    await tick();
    expect(statements.map((s) => s.length)).toEqual([1, 600]);
    ends[1]!.resolve();
    await tick();
    expect(statements.map((s) => s.length)).toEqual([1, 600, 600]);
    ends[2]!.resolve();
    await Promise.all(calls);
  });
});
