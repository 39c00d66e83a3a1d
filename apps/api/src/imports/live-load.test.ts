import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type LiveLoad, liveLoadOf, watchLiveLoad } from './live-load.js';

/** Holds the event loop for `ms`, as a long synchronous task in a request's path would. */
function block(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

describe('watchLiveLoad', () => {
  it('reports congested while requests arrive and the event loop runs late, idle once none arrive', async () => {
    let requests = 0;
    const reports: LiveLoad[] = [];
    const stop = watchLiveLoad(
      () => requests,
      (load) => reports.push(load),
    );
    try {
      // A second of requests, each followed by 40 ms the loop cannot answer anything.
      for (let i = 0; i < 20; i++) {
        requests += 5;
        block(40);
        await sleep(10);
      }
      expect(reports).toContain('congested');
      // Late or not, a window without requests keeps nobody waiting.
      const seen = reports.length;
      await sleep(800);
      expect(reports.slice(seen + 1).length).toBeGreaterThan(0);
      expect(reports.slice(seen + 1).every((load) => load === 'idle')).toBe(true);
    } finally {
      stop();
    }
  });

  it('stops reporting once stopped', async () => {
    const reports: LiveLoad[] = [];
    const stop = watchLiveLoad(
      () => 0,
      (load) => reports.push(load),
    );
    await sleep(600);
    stop();
    const seen = reports.length;
    expect(seen).toBeGreaterThan(0);
    await sleep(600);
    expect(reports.length).toBe(seen);
  });
});

describe('what the API says of its requests', () => {
  it('is idle below two requests a window, else congested when its event loop ran late and calm when not', () => {
    expect(liveLoadOf({ requests: 100, delayP99Ms: 30 })).toBe('congested');
    expect(liveLoadOf({ requests: 100, delayP99Ms: 4 })).toBe('calm');
    // A machine busy with the import itself, and no one waiting on the API: no reason to hold it back.
    expect(liveLoadOf({ requests: 1, delayP99Ms: 80 })).toBe('idle');
    expect(liveLoadOf({ requests: 0, delayP99Ms: 1 })).toBe('idle');
    expect(liveLoadOf({ requests: 2, delayP99Ms: 11 })).toBe('congested');
  });
});
