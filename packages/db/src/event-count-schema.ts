import { sql } from 'drizzle-orm';
import { bigint, check, pgTable, smallint, uuid } from 'drizzle-orm/pg-core';

/**
 * The checkpoint behind `darkroom_events_written_total` (queries/events-written.ts): `written`
 * events were committed up to and including the event id `upto` (null: none counted yet). One row.
 */
export const eventCount = pgTable(
  'event_count',
  {
    id: smallint('id').primaryKey(),
    upto: uuid('upto'),
    written: bigint('written', { mode: 'number' }).notNull(),
  },
  (t) => [check('event_count_one_row', sql`${t.id} = 1`)],
);
