import { describe, expect, it } from 'vitest';
import { createLimiter } from '../services/limiter.js';
import { createImportPace, pacedLane } from './import-pace.js';
import { liveLoadOf } from './live-load.js';

describe('the import pace', () => {
  it('is unpaced until live requests are late, halves its rate each late report, and never goes below a file a second', () => {
    const pace = createImportPace();
    expect(pace.intervalMs()).toBe(0);
    pace.calm();
    expect(pace.intervalMs()).toBe(0);
    pace.congested();
    expect(pace.intervalMs()).toBe(5);
    for (const expected of [10, 20, 40, 80, 160, 320, 640, 1000, 1000]) {
      pace.congested();
      expect(pace.intervalMs()).toBe(expected);
    }
  });

  it('comes back gradually, ten files a second per calm report, and is lifted once it is fast', () => {
    const pace = createImportPace();
    for (let n = 0; n < 20; n++) pace.congested();
    pace.calm();
    expect(pace.intervalMs()).toBeCloseTo(1000 / 11);
    pace.calm();
    expect(pace.intervalMs()).toBeCloseTo(1000 / 21);
    let reports = 2;
    while (pace.intervalMs() > 0) {
      pace.calm();
      reports++;
    }
    // 1 → 191 files a second (5.2 ms), then lifted.
    expect(reports).toBe(20);
  });

  it('spaces the starts of every lane it paces, and holds nothing back once lifted', async () => {
    const pace = createImportPace();
    for (let n = 0; n < 4; n++) pace.congested();
    expect(pace.intervalMs()).toBe(40);
    const lanes = [pacedLane(createLimiter(8), pace), pacedLane(createLimiter(8), pace)];
    const started: number[] = [];
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 6 }, (_, n) => lanes[n % 2]!(async () => void started.push(performance.now() - t0))));
    started.sort((a, b) => a - b);
    for (let n = 1; n < started.length; n++) expect(started[n]! - started[n - 1]!).toBeGreaterThanOrEqual(30);
    for (let n = 0; n < 20; n++) pace.calm();
    expect(pace.intervalMs()).toBe(0);
    const t1 = performance.now();
    await Promise.all(Array.from({ length: 6 }, () => lanes[0]!(async () => {})));
    expect(performance.now() - t1).toBeLessThan(30);
  });
});

describe('what the API says of its requests', () => {
  it('is congested only when it answered requests and its event loop ran late', () => {
    expect(liveLoadOf({ requests: 100, delayP99Ms: 30 })).toBe('congested');
    expect(liveLoadOf({ requests: 100, delayP99Ms: 4 })).toBe('calm');
    // A machine busy with the import itself, and no one waiting on the API: no reason to hold it back.
    expect(liveLoadOf({ requests: 1, delayP99Ms: 80 })).toBe('calm');
  });
});
