import { describe, expect, it } from 'vitest';
import { createProgress, progressBar } from './progress.js';
import type { RecoverReport } from './recover.js';

const report = (seen: number, relinked: number): RecoverReport => ({
  tenants: { created: 0, updated: 0, kept: 0, unreadable: 0 },
  seen,
  known: seen - relinked,
  recent: 0,
  undescribed: 0,
  last: null,
  relinked,
  partial: 0,
  queued: 0,
  rejected: 0,
  placeholderTenants: 0,
});

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, isTTY, columns: 300, write: (text: string) => written.push(text) };
}

describe('recover progress', () => {
  it('draws a bar of the originals looked at', () => {
    expect(progressBar(0, 10)).toBe(`[${'.'.repeat(24)}]   0%`);
    expect(progressBar(5, 10)).toBe(`[${'#'.repeat(12)}${'.'.repeat(12)}]  50%`);
    expect(progressBar(0, 0)).toBe(`[${'#'.repeat(24)}] 100%`);
  });

  it('redraws one line in a terminal, with the rate of assets rebuilt', () => {
    let now = 0;
    const tty = stream(true);
    const progress = createProgress(tty, 1000, () => now);
    now = 1000;
    progress.update(report(500, 400));
    now = 1050; // too soon to redraw
    progress.update(report(600, 450));
    now = 2000;
    progress.finish(report(1000, 800));
    expect(tty.written).toHaveLength(2);
    expect(tty.written[0]).toMatch(/^\r\[#{12}\.{12}\] {2}50% 500\/1000 originals · 400 rebuilt \(400\/s\)/);
    expect(tty.written[1]).toMatch(/^\r\[#{24}\] 100% 1000\/1000 originals · 800 rebuilt \(400\/s\).*\n$/);
  });

  it('writes plain lines every few seconds elsewhere (a log, a pipe)', () => {
    let now = 0;
    const log = stream(false);
    const progress = createProgress(log, null, () => now);
    for (now = 1000; now <= 12_000; now += 1000) progress.update(report(now / 10, now / 20));
    progress.finish(report(1300, 650));
    expect(log.written.every((line) => line.startsWith('recover: ') && line.endsWith('\n') && !line.includes('\r'))).toBe(true);
    expect(log.written).toHaveLength(3);
    expect(log.written.at(-1)).toContain('1300 originals · 650 rebuilt');
  });
});
