import { describe, expect, it } from 'vitest';
import type { Import } from '../types.js';
import { createDisplay, LOG_EVERY_MS } from './import-display.js';
import { barLine, failureLines, formatBytes, formatDuration, summaryLines } from './import-view.js';
import { MiB } from '@darkroom/core/limits';

const ID = '01936f8a-0000-7000-8000-000000000001';

function imp(status: Import['status'], counts: Partial<Import['counts']>, extra: Partial<Import> = {}): Import {
  return {
    id: ID,
    status,
    dryRun: false,
    source: { type: 'urls' },
    counts: { found: 1000, imported: 0, skipped: 0, failed: 0, bytes: 0, ...counts },
    error: null,
    createdAt: '2026-03-01T10:00:00.000Z',
    finishedAt: null,
    ...extra,
  };
}

function recorder(isTTY: boolean, columns = 200) {
  const written: string[] = [];
  return { written, isTTY, columns, write: (text: string) => written.push(text) };
}

describe('an import in a terminal or a log', () => {
  it('formats sizes and durations for people', () => {
    expect([0, 1023, 1536, 12.34 * MiB, 5 * 1024 * MiB].map(formatBytes)).toEqual(['0 B', '1023 B', '1.5 KiB', '12.3 MiB', '5.0 GiB']);
    expect([400, 59_600, 61_000, 3_725_000].map(formatDuration)).toEqual(['0 s', '1 min 00 s', '1 min 01 s', '1 h 02 min']);
  });

  it('draws a bar of the items settled, the counts, bytes and rate, cut to the terminal', () => {
    const line = barLine(imp('running', { imported: 400, skipped: 10, failed: 2, bytes: 150 * MiB }), { files: 35.06, bytes: 12.3 * MiB }, 200);
    expect(line).toBe('running  [########............]  41% 412/1,000 · 400 imported · 10 skipped · 2 failed · 150.0 MiB · 35.1 files/s, 12.3 MiB/s');
    expect(barLine(imp('planning', { found: 0 }), null, 200)).toBe(
      'planning [....................]   0% 0/0 · 0 imported · 0 skipped · 0 failed · 0 B',
    );
    expect(barLine(imp('running', { imported: 1000 }), null, 40)).toBe('running  [####################] 100% 1,');
  });

  it('redraws one line in a terminal, with the rate over what it saw, and ends it before the summary', () => {
    let now = 0;
    const tty = recorder(true);
    const display = createDisplay(tty, () => now);
    display.update(imp('running', { imported: 100, bytes: 10 * MiB }));
    now = 2000;
    display.update(imp('running', { imported: 300, bytes: 30 * MiB }));
    now = 2500;
    display.update(imp('paused', { imported: 300, bytes: 30 * MiB }));
    display.finish();
    expect(tty.written.slice(0, 3).every((text) => text.startsWith('\r') && text.endsWith('\u001b[K') && !text.includes('\n'))).toBe(true);
    expect(tty.written[0]).not.toContain('files/s');
    expect(tty.written[1]).toContain('300/1,000 · 300 imported · 0 skipped · 0 failed · 30.0 MiB · 100.0 files/s, 10.0 MiB/s');
    expect(tty.written[2]).toMatch(/^\rpaused {3}\[######/);
    expect(tty.written.slice(3)).toEqual([tty.written[2], '\n']);

    // A pseudo-terminal never sized says 0 columns: the line is not cut to nothing.
    const unsized = recorder(true, 0);
    createDisplay(unsized, () => now).update(imp('running', { imported: 1 }));
    expect(unsized.written[0]).toContain('1/1,000 · 1 imported · 0 skipped · 0 failed · 0 B');
  });

  it('writes a line every few seconds and at each change of status in a log, and the last state once', () => {
    let now = Date.parse('2026-03-01T10:00:00.000Z');
    const log = recorder(false);
    const display = createDisplay(log, () => now);
    for (let second = 0; second < 12; second++, now += 1000) display.update(imp('running', { imported: second * 10 }));
    display.update(imp('paused', { imported: 110 }));
    display.update(imp('done', { imported: 120 }, { finishedAt: '2026-03-01T10:00:12.000Z' }));
    display.finish();
    expect(log.written.every((line) => line.endsWith('\n') && !line.includes('\r') && !line.includes('\u001b'))).toBe(true);
    expect(log.written.map((line) => line.split(' ').slice(0, 4).join(' '))).toEqual([
      `2026-03-01T10:00:00.000Z import ${ID} running:`,
      `2026-03-01T10:00:05.000Z import ${ID} running:`,
      `2026-03-01T10:00:10.000Z import ${ID} running:`,
      `2026-03-01T10:00:12.000Z import ${ID} paused:`,
      `2026-03-01T10:00:12.000Z import ${ID} done:`,
    ]);
    expect(LOG_EVERY_MS).toBe(5000);
    expect(log.written[2]).toContain('100/1,000 · 100 imported');
  });

  it('sums up how each import ended, and each failure with its source and sentence', () => {
    const finishedAt = '2026-03-01T10:01:05.000Z';
    const counts = { imported: 985, skipped: 10, failed: 5, bytes: 151 * MiB };
    expect(summaryLines(imp('done', counts, { finishedAt }), 0)).toEqual([
      `Import ${ID} done in 1 min 05 s: of 1,000 found, 985 imported (151.0 MiB), 10 skipped (already imported), 5 failed.`,
    ]);
    expect(summaryLines(imp('done', counts, { finishedAt, dryRun: true }), 0)).toEqual([
      `Dry run ${ID} done in 1 min 05 s: of 1,000 found, 985 would be imported (151.0 MiB), 10 skipped (already imported), 5 would fail.`,
    ]);
    const error = { code: 'source_forbidden', message: 'The source bucket refused these credentials: check the key ID and secret.' };
    expect(summaryLines(imp('failed', { found: 0 }, { finishedAt, error }), 0)).toEqual([
      `Import ${ID} failed after 1 min 05 s: source_forbidden: The source bucket refused these credentials: check the key ID and secret.`,
      'It had found 0: 0 imported, 0 skipped, 0 failed.',
    ]);
    expect(summaryLines(imp('canceled', { imported: 3 }), Date.parse('2026-03-01T10:00:09.000Z'))).toEqual([
      `Import ${ID} was canceled after 9 s: of 1,000 found, 3 imported (they stay), 0 skipped, 0 failed.`,
    ]);
    const item = { source: 'https://cdn.example.com/a.jpg', externalId: null, assetId: null, status: 'failed' as const };
    expect(failureLines({ ...item, error: { code: 'source_not_found', message: 'The server at this URL answered 404.' } })).toEqual([
      '  https://cdn.example.com/a.jpg',
      '    source_not_found: The server at this URL answered 404.',
    ]);
  });
});
