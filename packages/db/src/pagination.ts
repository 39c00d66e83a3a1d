import { lt, type AnyColumn, type SQL } from 'drizzle-orm';

/** Opaque keyset cursors: the last id of a page, base64url-encoded so clients don't build them by hand. */
export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The id a cursor stands for, or null when it is not one of ours. */
export function decodeCursor(cursor: string): string | null {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  return UUID.test(id) ? id : null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Callers fetch `limit + 1` rows: the extra one only tells whether a next page exists. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export class InvalidCursorError extends Error {
  constructor() {
    super('The cursor is not one this API returned.');
    this.name = 'InvalidCursorError';
  }
}

/** The condition for the page after `cursor`, newest first (`id < cursor's id`); throws on a cursor not ours. */
export function olderThanCursor(column: AnyColumn, cursor: string): SQL {
  const after = decodeCursor(cursor);
  if (!after) throw new InvalidCursorError();
  return lt(column, after);
}
