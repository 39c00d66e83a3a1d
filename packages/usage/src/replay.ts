import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from '@darkroom/db/client';
import { noteQuotaThresholds, recordUsage, type UsageEvent } from '@darkroom/db/queries/usage';
import { batchEvents, batchKeyOf } from './batch.js';
import { parseSpoolFileName, readSpoolLines, removeSpoolFile, type SpoolFile, type SpoolPlace } from './spool.js';
import { isReplayable, type SpoolOwner } from './spool-owner.js';

/** What replays log with: pino's shape. */
export interface ReplayLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

/** A batch and the quota events it crosses (deliveryBytesPerMonth) commit together: a flush's transaction, and a replay's. */
export async function writeBatch(db: Database, events: readonly UsageEvent[]): Promise<void> {
  await db.transaction(async (tx) => void (await noteQuotaThresholds(tx, await recordUsage(tx, events))));
}

/** The file's content, or null when it is gone (its owner's late flush, or another replay, removed it). */
async function readOrGone(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Writes one spool file's batch under the key its process would have flushed it with, then removes
 * the file. A batch its process did commit before it died counts once: the events' sources are the
 * same, and `usage_events`' key on `(source, meter)` keeps the first. Two replays of one file at once
 * write it once the same way, and the second removal finds nothing to remove.
 */
async function replayFile(db: Database, path: string, file: SpoolFile, log: ReplayLog): Promise<void> {
  const text = await readOrGone(path);
  if (text === null) return;
  const { batch, counts, unreadable } = readSpoolLines(text);
  const events = batchEvents(batch, batchKeyOf(file.processId, file.sequence));
  if (events.length > 0) await writeBatch(db, events);
  await removeSpoolFile(path);
  if (unreadable > 0) log.warn({ file: path, unreadable }, 'usage spool lines that do not read as a count were left out');
  log.info({ file: path, counts, events: events.length }, 'replayed the usage counts a gone process spooled');
}

/**
 * Replays the spool files, in `place`, of this database's processes that are gone (spool-owner.ts
 * decides which), `owner`'s own left alone: at a process's boot, and every minute after. Never
 * throws: a file that fails is logged and stays, for the next pass.
 */
export async function replaySpool(options: { db: Database; place: SpoolPlace; log: ReplayLog; owner: SpoolOwner }): Promise<void> {
  const { db, place, log } = options;
  let names: string[];
  try {
    names = await readdir(place.dir);
  } catch (err) {
    log.warn({ err, dir: place.dir }, 'usage spool not read: tried again in a minute');
    return;
  }
  for (const name of names) {
    const file = parseSpoolFileName(name);
    if (file?.database !== place.database) continue;
    const path = join(place.dir, name);
    try {
      const modified = (await stat(path)).mtimeMs;
      if (await isReplayable(file.owner, modified, Date.now(), options.owner)) await replayFile(db, path, file, log);
    } catch (err) {
      // A file removed between the listing and its stat: another process replayed it.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.warn({ err, file: path }, 'usage spool file not replayed: tried again in a minute');
    }
  }
}

/** How often the spool is looked through for gone processes' files: a listing, and a /proc read a file. */
const REPLAY_EVERY_MS = 60_000;

/** A process's replays of its spool directory: one pass at a time, in turn. */
export interface Replays {
  /** Queues a pass; resolves when it is done. */
  replay(): Promise<void>;
  /** Queues a pass if none is under way and the last began a minute ago: the counters' timer calls it each flush. */
  whenDue(): void;
  /** Resolves once the passes queued so far are done. */
  settled(): Promise<void>;
}

export function createReplays(options: Parameters<typeof replaySpool>[0]): Replays {
  let queue: Promise<void> = Promise.resolve();
  let startedAt = 0;
  let queued = 0;
  const replay = () => {
    startedAt = Date.now();
    queued += 1;
    queue = queue
      .then(() => replaySpool(options))
      .catch((err) => options.log.warn({ err }, 'usage spool not replayed: tried again in a minute'))
      .finally(() => {
        queued -= 1;
      });
    return queue;
  };
  return {
    replay,
    whenDue() {
      if (queued === 0 && Date.now() - startedAt >= REPLAY_EVERY_MS) void replay();
    },
    settled: () => queue,
  };
}
