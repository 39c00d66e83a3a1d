import { describe, expect, it } from 'vitest';
import { createLimiter } from '@darkroom/core/limiter';
import { createImportPace, pacedLane } from './import-pace.js';

/**
 * A clock that only the test moves (`withRealTime`: on top of the real one, so that a paced wait,
 * which sleeps on real timers, still ends).
 */
function manualClock(withRealTime = false) {
  let offset = 0;
  const start = Date.now();
  return {
    now: () => (withRealTime ? Date.now() - start : 0) + offset,
    advance: (ms: number) => {
      offset += ms;
    },
  };
}

describe('the import pace', () => {
  it('halves the rate the files started at on its first late report, then its own each late report, never below a file a second', async () => {
    const clock = manualClock();
    const pace = createImportPace(clock.now);
    pace.idle();
    expect(pace.intervalMs()).toBe(0);
    // Unpaced, 20 files started in 100 ms (5 ms apart): the first late report spaces them 10 ms apart.
    for (let n = 0; n < 20; n++) await pace.wait();
    clock.advance(100);
    pace.congested();
    expect(pace.intervalMs()).toBe(10);
    for (const expected of [20, 40, 80, 160, 320, 640, 1000, 1000]) {
      pace.congested();
      expect(pace.intervalMs()).toBe(expected);
    }
  });

  it('holds an unpaced import back a little when it was late with no file started', () => {
    const pace = createImportPace(manualClock().now);
    pace.idle();
    pace.congested();
    expect(pace.intervalMs()).toBe(5);
  });

  it('comes back gradually, 40 files a second for each second of calm reports, and is lifted once it is fast', () => {
    const clock = manualClock();
    const pace = createImportPace(clock.now);
    for (let n = 0; n < 20; n++) pace.congested();
    expect(pace.intervalMs()).toBe(1000);
    // One file started, the next held a second: the import is moving, at the pace's rate.
    void pace.wait();
    void pace.wait();
    clock.advance(250);
    pace.calm();
    expect(pace.intervalMs()).toBeCloseTo(1000 / 11);
    clock.advance(100);
    pace.calm();
    expect(pace.intervalMs()).toBeCloseTo(1000 / 15);
    let seconds = 0.35;
    while (pace.intervalMs() > 0) {
      clock.advance(100);
      pace.calm();
      seconds += 0.1;
    }
    // 1 → 199 files a second (5.03 ms) in 4.95 s, then lifted at 203.
    expect(seconds).toBeCloseTo(5.05);
  });

  it('starts 20 files a second among live requests, unpaced while the API is idle, and gently again once a calm report saw none start', async () => {
    const clock = manualClock();
    const pace = createImportPace(clock.now);
    expect(pace.intervalMs()).toBe(50);
    // No live requests: nobody to keep waiting.
    clock.advance(100);
    pace.idle();
    expect(pace.intervalMs()).toBe(0);
    // Live requests on time while files start unpaced: left unpaced.
    for (let n = 0; n < 10; n++) await pace.wait();
    clock.advance(100);
    pace.calm();
    expect(pace.intervalMs()).toBe(0);
    // A calm report in which no file started: the next ones start gently, and calm reports speed them up.
    clock.advance(100);
    pace.calm();
    expect(pace.intervalMs()).toBe(50);
    await pace.wait();
    clock.advance(1000);
    pace.calm();
    expect(pace.intervalMs()).toBeCloseTo(1000 / 60);
  });

  it('earns nothing from calm reports while no import moves: one that begins after seconds of live requests starts at 20 files a second', async () => {
    const clock = manualClock();
    const pace = createImportPace(clock.now);
    for (let n = 0; n < 30; n++) {
      clock.advance(100);
      pace.calm();
    }
    expect(pace.intervalMs()).toBe(50);
    // Moving, it gains; stopped again (its last file started, nothing waiting), it is back at the start.
    await pace.wait();
    clock.advance(500);
    pace.calm();
    expect(pace.intervalMs()).toBeCloseTo(1000 / 40);
    clock.advance(100);
    pace.calm();
    expect(pace.intervalMs()).toBe(50);
    // Held back after late reports, it stays held back while nothing moves.
    for (let n = 0; n < 3; n++) pace.congested();
    clock.advance(100);
    pace.calm();
    expect(pace.intervalMs()).toBe(400);
  });

  it('spaces the starts of every lane it paces, and holds nothing back once lifted', async () => {
    const clock = manualClock(true);
    const pace = createImportPace(clock.now);
    pace.idle();
    for (let n = 0; n < 4; n++) pace.congested();
    expect(pace.intervalMs()).toBe(40);
    const lanes = [pacedLane(createLimiter(8), pace), pacedLane(createLimiter(8), pace)];
    const started: number[] = [];
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 6 }, (_, n) => lanes[n % 2]!(async () => void started.push(performance.now() - t0))));
    started.sort((a, b) => a - b);
    for (let n = 1; n < started.length; n++) expect(started[n]! - started[n - 1]!).toBeGreaterThanOrEqual(30);
    pace.idle();
    expect(pace.intervalMs()).toBe(0);
    const t1 = performance.now();
    await Promise.all(Array.from({ length: 6 }, () => lanes[0]!(async () => {})));
    expect(performance.now() - t1).toBeLessThan(30);
  });
});
