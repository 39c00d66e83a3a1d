import { describe, expect, it } from 'vitest';
import { createRenderGate, RenderGateBusyError } from './render-gate.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** `granted(name)` for a grant's `then`: the order renders were let in, by name. */
function grants() {
  const order: string[] = [];
  const granted = (name: string) => (release: () => void) => {
    order.push(name);
    return release;
  };
  return { order, granted };
}

describe('createRenderGate', () => {
  it('lets small renders share the pixels and makes a big one wait, then run alone', async () => {
    const gate = createRenderGate({ maxPixels: 100, slots: 4 });
    const releaseA = await gate.acquire(24);
    const releaseB = await gate.acquire(24);
    const order: string[] = [];
    const big = gate.acquire(100).then((release) => {
      order.push('big');
      return release;
    });
    const small = gate.acquire(10).then((release) => {
      order.push('small');
      return release;
    });
    await settle();
    expect(order).toEqual([]); // the big one waits for A and B; the small one queues behind it
    releaseA();
    await settle();
    expect(order).toEqual([]); // B still holds 24 of the 100
    releaseB();
    const releaseBig = await big;
    await settle();
    expect(order).toEqual(['big']);
    releaseBig();
    (await small)();
    expect(order).toEqual(['big', 'small']);
  });

  it('admits a job larger than the whole pixel cap when nothing else runs', async () => {
    const gate = createRenderGate({ maxPixels: 100, slots: 2 });
    const release = await gate.acquire(400);
    release();
    release(); // a second release gives nothing back twice
    const again = await gate.acquire(100);
    again();
  });

  it('runs no more renders than it has slots, however few pixels they hold', async () => {
    const gate = createRenderGate({ maxPixels: 100, slots: 2 });
    const first = await gate.acquire(1);
    const second = await gate.acquire(1);
    let third: (() => void) | undefined;
    const waiting = gate.acquire(1).then((release) => (third = release));
    await settle();
    expect(third).toBeUndefined();
    second();
    await waiting;
    expect(third).toBeTypeOf('function');
    first();
    third!();
    // Both slots are free again: two more start at once.
    const [a, b] = await Promise.all([gate.acquire(1), gate.acquire(1)]);
    a();
    b();
  });

  it('offers its idle slots only while nobody waits and at most half the pixel cap is in use', async () => {
    const gate = createRenderGate({ maxPixels: 100, slots: 3 });
    expect(gate.idleSlots()).toBe(3);
    const releaseSmall = await gate.acquire(20);
    expect(gate.idleSlots()).toBe(2);
    const releaseBig = await gate.acquire(40); // 60 of 100 in use: no capacity to lend
    expect(gate.idleSlots()).toBe(0);
    releaseBig();
    const waiting = gate.acquire(100); // waits for the small one: nothing to lend while it waits
    await settle();
    expect(gate.idleSlots()).toBe(0);
    releaseSmall();
    (await waiting)();
    expect(gate.idleSlots()).toBe(3);
  });

  it('refuses a wait longer than its timeout, and lets the line move on', async () => {
    const gate = createRenderGate({ maxPixels: 100, slots: 1 });
    const held = await gate.acquire(10);
    await expect(gate.acquire(10, { timeoutMs: 20 })).rejects.toBeInstanceOf(RenderGateBusyError);
    const next = gate.acquire(10, { timeoutMs: 60_000 });
    held();
    (await next)(); // granted in time: its timer no longer fires
  });

  it('refuses at once a render that would make the line longer than maxWaiting', async () => {
    const gate = createRenderGate({ maxPixels: 100, slots: 1, maxWaiting: 1 });
    const held = await gate.acquire(10);
    const first = gate.acquire(10);
    await expect(gate.acquire(10)).rejects.toThrow('1 renders already wait');
    held();
    (await first)();
  });
  it('holds a slot at once only when one is free and nobody waits (tryAcquire), never joining the line', async () => {
    const gate = createRenderGate({ maxPixels: 100, slots: 2 });
    const first = gate.tryAcquire(60);
    expect(first).not.toBeNull();
    expect(gate.tryAcquire(60)).toBeNull(); // a slot is free, but not the pixels
    const second = gate.tryAcquire(40)!;
    expect(second).not.toBeNull();
    expect(gate.tryAcquire(1)).toBeNull(); // both slots held
    second();
    const waiting = gate.acquire(50);
    await settle();
    expect(gate.tryAcquire(10)).toBeNull(); // room for it, but a render waits: it goes first
    first!();
    const third = await waiting;
    const fourth = gate.tryAcquire(50);
    expect(fourth).not.toBeNull();
    third();
    fourth!();
  });

  it('starts background work only while no other render runs or waits, and lends its slot to their encodes', async () => {
    const gate = createRenderGate({ maxPixels: 100, slots: 2 });
    const backfill = await gate.acquire(1, { background: true }); // an idle gate takes it at once
    expect(gate.idleSlots()).toBe(2); // its slot counts as free for another render's encodes
    const upload = await gate.acquire(10); // a fresh upload is let in beside it
    let nextBackfill: (() => void) | null = null;
    const queued = gate.acquire(1, { background: true }).then((release) => (nextBackfill = release));
    backfill();
    await settle();
    expect(nextBackfill).toBeNull(); // a slot is free, but a foreground render runs
    expect(gate.idleSlots()).toBe(1);
    upload();
    await queued;
    expect(nextBackfill).not.toBeNull();
    nextBackfill!();
  });

  it('lets a foreground render overtake background work waiting ahead of it', async () => {
    const gate = createRenderGate({ maxPixels: 100, slots: 1 });
    const first = await gate.acquire(10);
    const { order, granted } = grants();
    const background = gate.acquire(10, { background: true }).then(granted('background'));
    const foreground = gate.acquire(10).then(granted('foreground'));
    await settle();
    expect(order).toEqual([]);
    first();
    (await foreground)();
    (await background)();
    expect(order).toEqual(['foreground', 'background']);
  });

  describe('parts of chunked ladders', () => {
    it('fill every slot while nothing else waits, and a foreground render then starts beside them rather than wait for a piece', async () => {
      const gate = createRenderGate({ maxPixels: 100, slots: 2 });
      const parts = [await gate.acquire(10, { part: true }), await gate.acquire(10, { part: true })];
      let third: (() => void) | null = null;
      const queuedPart = gate.acquire(10, { part: true }).then((release) => (third = release));
      await settle();
      expect(third).toBeNull(); // every slot is a part's: the next part waits
      const upload = await gate.acquire(10); // parts count as slots − 1 against it: in at once
      const second = gate.acquire(10); // two foreground renders beside the parts would be one too many
      let secondIn = false;
      void second.then(() => (secondIn = true));
      await settle();
      expect(secondIn).toBe(false);
      parts[0]!();
      await settle();
      // One part and the upload hold both slots: the second upload still waits, and the queued part yields to it.
      expect([secondIn, third]).toEqual([false, null]);
      upload();
      await settle();
      expect([secondIn, third]).toEqual([true, null]);
      (await second)();
      parts[1]!();
      await queuedPart;
      expect(third).not.toBeNull();
      third!();
    });

    it('hold at most slots − 1 while a foreground render waits: a part queued meanwhile does not take the freed slot', async () => {
      const gate = createRenderGate({ maxPixels: 100, slots: 3 });
      const uploads = [await gate.acquire(10), await gate.acquire(10)];
      const part = await gate.acquire(10, { part: true });
      const { order, granted } = grants();
      const nextPart = gate.acquire(10, { part: true }).then(granted('part'));
      const waitingUpload = gate.acquire(10).then(granted('upload'));
      await settle();
      expect(order).toEqual([]); // two uploads and a part hold all three slots
      uploads[0]!();
      await settle();
      expect(order).toEqual(['upload']);
      uploads[1]!();
      await settle();
      expect(order).toEqual(['upload', 'part']);
      part();
      (await waitingUpload)();
      (await nextPart)();
    });

    it('on a one-slot process: a part starts only when no other render waits, and any other render starts beside it', async () => {
      const gate = createRenderGate({ maxPixels: 100, slots: 1 });
      const image = await gate.acquire(10);
      const { order, granted } = grants();
      const part = gate.acquire(10, { part: true }).then(granted('part'));
      const upload = gate.acquire(10).then(granted('upload'));
      image();
      await settle();
      expect(order).toEqual(['upload']); // it came after the part, but a part never goes first
      (await upload)();
      const running = await part;
      expect(order).toEqual(['upload', 'part']);
      const beside = await gate.acquire(10); // the only slot is a part's: a foreground render is let in
      expect(gate.idleSlots()).toBe(0);
      beside();
      running();
      expect(gate.idleSlots()).toBe(1);
    });

    it('keep background work waiting, as any other render does', async () => {
      const gate = createRenderGate({ maxPixels: 100, slots: 2 });
      const part = await gate.acquire(10, { part: true });
      let backfill: (() => void) | null = null;
      const queued = gate.acquire(10, { background: true }).then((release) => (backfill = release));
      await settle();
      expect(backfill).toBeNull();
      part();
      await queued;
      backfill!();
    });
  });
});
