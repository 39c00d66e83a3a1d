import { bigint, index, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

/**
 * Blocklists of perceptual hashes (docs/api.md#blocklists): a tenant's (tenantId set) and the
 * deployment's (tenantId null). A match is a Hamming distance ≤ BLOCKLIST_MAX_DISTANCE to an entry.
 *
 * Multi-index hashing: the 64 bits are cut into three parts of 21, 21 and 22 bits, each stored and
 * indexed. Two hashes within distance d differ in at most ⌊d/3⌋ bits of at least one part
 * (pigeonhole), so the lookup asks each part's index for the values within that radius of the
 * query's part and checks the full distance of those candidates alone: no entry within d is missed,
 * and no lookup reads every entry (queries/blocklist.ts).
 */
export const blocklistEntries = pgTable(
  'blocklist_entries',
  {
    id: uuid('id').primaryKey(),
    /** Null: the deployment's list, which every tenant's uploads are matched against. No foreign key, as on assets. */
    tenantId: uuid('tenant_id'),
    /** The 64-bit hash as a signed bigint. */
    hash: bigint('hash', { mode: 'bigint' }).notNull(),
    /** Bits 0–20, 21–41 and 42–63 of the hash (unsigned), each indexed. */
    part0: integer('part0').notNull(),
    part1: integer('part1').notNull(),
    part2: integer('part2').notNull(),
    reason: text('reason'),
    /** The asset whose hash it was added from, if one was named (kept after that asset is deleted). */
    assetId: uuid('asset_id'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    // One entry per hash per list: adding a hash again answers the entry it has.
    unique('blocklist_entries_list_hash_key').on(t.tenantId, t.hash).nullsNotDistinct(),
    index('blocklist_entries_tenant_id_idx').on(t.tenantId, t.id),
    index('blocklist_entries_part0_idx').on(t.part0),
    index('blocklist_entries_part1_idx').on(t.part1),
    index('blocklist_entries_part2_idx').on(t.part2),
  ],
);
export type BlocklistEntry = typeof blocklistEntries.$inferSelect;
