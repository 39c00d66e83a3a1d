import { describe, expect, it } from 'vitest';
import { progressReporter } from './progress.js';

function reporter(totalSeconds: number) {
  let clock = 0;
  const reports: number[] = [];
  const feed = progressReporter({ totalSeconds, onProgress: (f) => reports.push(f), now: () => clock });
  return { feed, reports, advance: (ms: number) => (clock += ms) };
}

const block = (us: number | string) => `frame=1\nout_time_us=${us}\nout_time=00:00:00\nprogress=continue\n`;

describe('progressReporter', () => {
  it('reports out_time_us as a fraction of the duration, at most once a second', () => {
    const { feed, reports, advance } = reporter(10);
    advance(5000);
    feed(block(1_000_000));
    feed(block(2_000_000)); // same instant: dropped
    advance(999);
    feed(block(3_000_000)); // under a second later: dropped
    advance(1);
    feed(block(4_000_000));
    expect(reports).toEqual([0.1, 0.4]);
  });

  it('never goes backwards and never passes 1', () => {
    const { feed, reports, advance } = reporter(2);
    advance(1000);
    feed(block(1_500_000));
    advance(1000);
    feed(block(1_000_000)); // a late, smaller value
    advance(1000);
    feed(block(9_000_000)); // past the capped duration (-t): still 1
    expect(reports).toEqual([0.75, 1]);
  });

  it('reassembles lines split across chunks and skips N/A and negative times', () => {
    const { feed, reports, advance } = reporter(4);
    advance(1000);
    feed(block('N/A'));
    feed(block(-23_000));
    feed('frame=3\nout_time_');
    feed('us=2000000\nprogress=continue\n');
    expect(reports).toEqual([0.5]);
  });
});
