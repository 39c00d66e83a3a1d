import type { UsageGranularity } from '@darkroom/db/queries/usage';

/**
 * The periods usage is read by, in UTC: an hour, a day, a calendar month. A range is `[from, to)`,
 * both at the start of a period of its granularity (a range that cut a period would report part of
 * an hour as if it were the whole of it, which the tables cannot say).
 */

/** `2026-11`, `2026-11-05`, or an ISO 8601 date-time with `Z` or an offset: an instant, or null. */
export function parseInstant(text: string): Date | null {
  const month = /^(\d{4})-(\d{2})$/.exec(text);
  if (month) return validDate(`${month[1]}-${month[2]}-01T00:00:00Z`, 7, text);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return validDate(`${text}T00:00:00Z`, 10, text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return null;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** A calendar date that exists (Date would roll 2026-02-30 into March). */
function validDate(iso: string, length: number, text: string): Date | null {
  const at = new Date(iso);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, length) === text ? at : null;
}

/** The start of the period `at` is in. */
export function periodStart(at: Date, granularity: UsageGranularity): Date {
  const [y, m, d, h] = [at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate(), at.getUTCHours()];
  if (granularity === 'hour') return new Date(Date.UTC(y, m, d, h));
  return granularity === 'day' ? new Date(Date.UTC(y, m, d)) : new Date(Date.UTC(y, m, 1));
}

export const isPeriodStart = (at: Date, granularity: UsageGranularity) => periodStart(at, granularity).getTime() === at.getTime();

/** The start of the period after the one that starts at `at` (`n` periods on). */
export function addPeriods(at: Date, granularity: UsageGranularity, n = 1): Date {
  if (granularity === 'hour') return new Date(at.getTime() + n * 3_600_000);
  if (granularity === 'day') return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + n));
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + n, 1));
}

/** The start of every period in `[from, to)`, oldest first. */
export function periodStarts(from: Date, to: Date, granularity: UsageGranularity): Date[] {
  const starts: Date[] = [];
  for (let at = from; at < to; at = addPeriods(at, granularity)) starts.push(at);
  return starts;
}

/** The longest range a read may ask for: 31 days by the hour, two calendar years by day or month. */
export const MAX_RANGE: Record<UsageGranularity, { words: string; end: (from: Date) => Date }> = {
  hour: { words: '31 days', end: (from) => addPeriods(from, 'day', 31) },
  day: { words: '2 years', end: (from) => new Date(Date.UTC(from.getUTCFullYear() + 2, from.getUTCMonth(), from.getUTCDate(), from.getUTCHours())) },
  month: { words: '2 years', end: (from) => addPeriods(from, 'month', 24) },
};

/** What is wrong with a range, as a sentence naming the field, or null when it may be read. */
export function rangeProblem(from: Date, to: Date, granularity: UsageGranularity): { field: 'from' | 'to'; message: string } | null {
  const unit = granularity === 'month' ? 'a month (2026-11)' : granularity === 'day' ? 'a day (2026-11-05)' : 'an hour (2026-11-05T14:00:00Z)';
  for (const [field, at] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!isPeriodStart(at, granularity)) return { field, message: `by ${granularity}, must be the start of ${unit} in UTC` };
  }
  if (to <= from) return { field: 'to', message: 'must be after "from" (it is exclusive)' };
  const { words, end } = MAX_RANGE[granularity];
  if (to > end(from)) {
    const finer = granularity === 'hour' ? '; ask by day for longer' : '';
    return { field: 'to', message: `by ${granularity}, at most ${words} after "from"${finer}` };
  }
  return null;
}
