import { describe, expect, it } from 'vitest';
import { createHotCache, type Held } from './hot-cache.js';

const held = (bytes: number, tag = ''): Held & { tag: string } => ({ data: Buffer.alloc(bytes), tag });

describe('createHotCache', () => {
  it('keeps things up to its budget across shelves, the least recently used going first', () => {
    const cache = createHotCache({ maxBytes: 800 });
    const renders = cache.shelf<Held>('renders');
    const objects = cache.shelf<Held>('objects');
    const [a, b, c] = [held(100), held(100), held(100)];
    renders.set('a', a);
    objects.set('b', b);
    renders.set('c', c);
    // Used since: `a` is now more recent than `b`.
    expect(renders.get('a')).toBe(a);
    for (let i = 0; i < 6; i++) objects.set(`more-${i}`, held(100));
    // 800 bytes: nine things of 100 were asked to stay, so the least recently used, `b`, went.
    expect([renders.get('a'), objects.get('b'), renders.get('c')]).toEqual([a, null, c]);
  });

  it('keeps each shelf’s keys apart', () => {
    const cache = createHotCache({ maxBytes: 800 });
    const renders = cache.shelf<Held>('renders');
    const objects = cache.shelf<Held>('objects');
    const render = held(10);
    renders.set('same', render);
    expect(objects.get('same')).toBeNull();
    expect(renders.get('same')).toBe(render);
    expect(() => cache.shelf('renders')).toThrow(/taken/);
  });

  it('never keeps a thing larger than an eighth of the budget, nor anything at a budget of 0', () => {
    const cache = createHotCache({ maxBytes: 800 });
    const shelf = cache.shelf<Held>('objects');
    expect([shelf.fits(100), shelf.fits(101)]).toEqual([true, false]);
    const large = held(101);
    expect(shelf.set('large', large)).toBe(large);
    expect(shelf.get('large')).toBeNull();
    const none = createHotCache({ maxBytes: 0 }).shelf<Held>('objects');
    none.set('empty', held(0));
    expect([none.fits(0), none.get('empty')]).toEqual([false, null]);
  });

  it('forgets a thing once it has been kept past its shelf’s life, and only on its shelf', () => {
    let now = 1_000;
    const cache = createHotCache({ maxBytes: 800, now: () => now });
    const objects = cache.shelf<Held>('objects', { lifeMs: 60_000 });
    const renders = cache.shelf<Held>('renders');
    const [object, render] = [held(10), held(10)];
    objects.set('x', object);
    renders.set('x', render);
    now += 60_000;
    expect(objects.get('x')).toBe(object);
    now += 1;
    expect([objects.get('x'), renders.get('x')]).toEqual([null, render]);
    // Kept again: its life starts over.
    objects.set('x', object);
    now += 60_000;
    expect(objects.get('x')).toBe(object);
  });

  it('forgets a key only while it still holds what is named', () => {
    const shelf = createHotCache({ maxBytes: 800 }).shelf<Held>('renders');
    const [first, second] = [held(10, 'first'), held(10, 'second')];
    shelf.set('k', first);
    shelf.set('k', second);
    shelf.forget('k', first);
    expect(shelf.get('k')).toBe(second);
    shelf.forget('k', second);
    expect(shelf.get('k')).toBeNull();
  });

  it('counts a key kept again once, so its budget is not used up by replaced things', () => {
    const shelf = createHotCache({ maxBytes: 800 }).shelf<Held>('renders');
    for (let i = 0; i < 20; i++) shelf.set('same', held(100));
    const others = Array.from({ length: 7 }, (_, i) => shelf.set(`other-${i}`, held(100)));
    expect(shelf.get('same')).not.toBeNull();
    expect(others.map((_, i) => shelf.get(`other-${i}`))).toEqual(others);
  });
});
