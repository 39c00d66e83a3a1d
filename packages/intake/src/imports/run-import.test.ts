import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { untilRoom } from './run-import.js';

const pending = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe("an import run's wait for room", () => {
  it('ends at once when every item taken has already settled (a skipped file can settle while the run lists ahead)', async () => {
    const waited = await Promise.race([
      untilRoom(new Set(), new EventEmitter()).then(() => 'ended'),
      new Promise((r) => setTimeout(() => r('still waiting'), 200)),
    ]);
    expect(waited).toBe('ended');
  });

  it('ends when an item in flight settles, or when one leaves its transfer, and not before', async () => {
    const item = pending();
    const moved = new EventEmitter();
    let ended = false;
    const wait = untilRoom(new Set([item.promise]), moved).then(() => {
      ended = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(ended).toBe(false);
    item.resolve();
    await wait;
    expect(ended).toBe(true);

    const other = pending();
    const byMove = untilRoom(new Set([other.promise]), moved);
    moved.emit('moved');
    await byMove;
    other.resolve();
  });
});
