import { describe, expect, it } from 'vitest';
import { schedulePasses, type PassResult } from './pass-scheduler.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DONE: PassResult = { more: false, unsettled: false };

/** A scheduler over a pass that records when it started and answers from `results` (then DONE). */
function recorded(gapMs: number, results: PassResult[] = [], passMs = 5) {
  const starts: number[] = [];
  const errors: Error[] = [];
  const scheduler = schedulePasses(
    async () => {
      starts.push(Date.now());
      await sleep(passMs);
      return results.shift() ?? DONE;
    },
    { gapMs, unsettledRetryMs: 30, onError: (err) => errors.push(err) },
  );
  return { scheduler, starts, errors };
}

describe('schedulePasses', () => {
  it('runs a pass at once when none ran within the gap', async () => {
    const { scheduler, starts } = recorded(200);
    const woken = Date.now();
    scheduler.wake();
    await sleep(20);
    expect(starts).toHaveLength(1);
    expect(starts[0]! - woken).toBeLessThan(15);
    await scheduler.stop();
  });

  it('takes a steady flow of wakes in passes a gap apart, the last wake never left without one', async () => {
    const { scheduler, starts } = recorded(100);
    // A wake every 5 ms or so for 450 ms: one pass per wake would be about 90.
    const flowStart = Date.now();
    let wakes = 0;
    while (Date.now() - flowStart < 450) {
      scheduler.wake();
      wakes += 1;
      await sleep(5);
    }
    const lastWake = Date.now();
    await sleep(250);
    expect(wakes).toBeGreaterThan(20);
    expect(starts.length).toBeGreaterThanOrEqual(2);
    expect(starts.length).toBeLessThanOrEqual(7);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(99);
    // The flow's last events are taken by a pass that starts after the last wake.
    expect(starts.at(-1)!).toBeGreaterThanOrEqual(lastWake - 100);
    await scheduler.stop();
  });

  it('runs the next pass at once after a full batch', async () => {
    const { scheduler, starts } = recorded(1000, [
      { more: true, unsettled: false },
      { more: true, unsettled: false },
    ]);
    scheduler.wake();
    await sleep(300);
    expect(starts).toHaveLength(3);
    expect(starts[2]! - starts[0]!).toBeLessThan(200);
    await scheduler.stop();
  });

  it('looks again when a pass leaves events held back by an open transaction', async () => {
    const { scheduler, starts } = recorded(0, [{ more: false, unsettled: true }]);
    scheduler.wake();
    await sleep(200);
    expect(starts).toHaveLength(2);
    await scheduler.stop();
  });

  it('reports a pass that throws, and the next wake runs again', async () => {
    let calls = 0;
    const errors: Error[] = [];
    const scheduler = schedulePasses(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('postgres away');
        return DONE;
      },
      { gapMs: 0, unsettledRetryMs: 30, onError: (err) => errors.push(err) },
    );
    scheduler.wake();
    await sleep(30);
    scheduler.wake();
    await sleep(30);
    expect(errors.map((e) => e.message)).toEqual(['postgres away']);
    expect(calls).toBe(2);
    await scheduler.stop();
  });

  it('starts no pass once stopped, even one waiting out its gap', async () => {
    const { scheduler, starts } = recorded(200);
    scheduler.wake();
    await sleep(20);
    scheduler.wake();
    await scheduler.stop();
    await sleep(250);
    expect(starts).toHaveLength(1);
  });
});
