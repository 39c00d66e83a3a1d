import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}

const journal: { entries: JournalEntry[] } = JSON.parse(readFileSync(new URL('../migrations/meta/_journal.json', import.meta.url), 'utf8'));

describe('the migration journal', () => {
  // drizzle's migrator applies only the migrations whose `when` is after the last one a database
  // has: one dated before its predecessor would be skipped on every database already migrated.
  it("dates every migration after the one before it, in the files' order", () => {
    const entries = journal.entries;
    expect(entries.map((e) => e.idx)).toEqual(entries.map((_, i) => i));
    for (const [i, entry] of entries.entries()) {
      if (i > 0) expect(entry.when, entry.tag).toBeGreaterThan(entries[i - 1]!.when);
      expect(entry.tag.startsWith(String(i).padStart(4, '0'))).toBe(true);
    }
  });
});
