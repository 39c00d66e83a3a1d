import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { CountedMeter } from '@darkroom/core/contract/usage';
import { HOUR_MS, METER_INDEX, rowOf, type BatchSums } from './batch.js';
import type { SpoolOwner } from './spool-owner.js';

/**
 * The spool of unflushed counts (docs/operations.md#the-spool-of-unflushed-counts): each count a
 * process adds is appended to the file of the batch it is gathering before `add` returns, one line
 * a count, so that when the process is killed another can write exactly the batches it would have
 * flushed, under the same keys. A write(2) and no fsync: a SIGKILL leaves the page cache to the
 * kernel, a machine crash may lose what it held.
 */

/** What a spool file's name says: the database it counts for, its process, and which of its batches. */
export interface SpoolFile {
  /** `databaseTagOf` of the DATABASE_URL its process wrote to: only processes of that database replay it. */
  database: string;
  owner: SpoolOwner;
  /** The counters' process id (`api.<uuid>`), as its batch keys name it. */
  processId: string;
  sequence: number;
}

/** Whose files a process writes and replays: its spool directory and its database's tag. */
export interface SpoolPlace {
  dir: string;
  database: string;
}

/** Names a database without its credentials: processes of two deployments may share a directory (a host's /tmp). */
export function databaseTagOf(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const name = `${url.hostname}:${url.port || '5432'}/${decodeURIComponent(url.pathname.slice(1))}`;
  return createHash('sha256').update(name).digest('hex').slice(0, 12);
}

const NAME =
  /^(?<database>[0-9a-f]{12})_(?<host>[A-Za-z0-9.-]+)_(?<boot>[0-9a-f]+|-)_(?<pidNs>\d+|-)_(?<pid>\d+)_(?<start>\d+|-)_(?<processId>[a-z0-9-]+\.[0-9a-f-]{36})_(?<sequence>\d+)\.spool$/;

export function spoolFileName(file: SpoolFile): string {
  const { host, boot, pidNs, pid, start } = file.owner;
  return `${file.database}_${host}_${boot}_${pidNs}_${pid}_${start}_${file.processId}_${file.sequence}.spool`;
}

/** A spool file's name read back; null: not one (another file in the directory). */
export function parseSpoolFileName(name: string): SpoolFile | null {
  const g = NAME.exec(name)?.groups;
  if (!g) return null;
  const owner = { host: g.host!, boot: g.boot!, pidNs: g.pidNs!, pid: Number(g.pid), start: g.start! };
  return { database: g.database!, owner, processId: g.processId!, sequence: Number(g.sequence) };
}

const TENANT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** One count as a spool line: `<hour start, ms> <tenant or -> <meter> <amount>`; String(number) reads back exactly. */
const spoolLine = (hour: number, tenantId: string | null, meter: CountedMeter, amount: number): string =>
  `${hour} ${tenantId ?? '-'} ${meter} ${amount}\n`;

/**
 * A spool file's counts added up, in the order they were written, so each sum is the very number
 * its process held. The text after the last newline is a line cut short by a kill (its `add` never
 * returned): left out. `unreadable` counts other lines that do not read as a count.
 */
export function readSpoolLines(text: string): { batch: BatchSums; counts: number; unreadable: number } {
  const lines = text.split('\n');
  lines.pop();
  const batch: BatchSums = new Map();
  let unreadable = 0;
  for (const line of lines) {
    const [hourText, tenant, meter, amountText, ...rest] = line.split(' ');
    const hour = Number(hourText);
    const amount = Number(amountText);
    const readable =
      rest.length === 0 &&
      Number.isSafeInteger(hour) &&
      hour % HOUR_MS === 0 &&
      (tenant === '-' || TENANT.test(tenant ?? '')) &&
      meter !== undefined &&
      Object.hasOwn(METER_INDEX, meter) &&
      amountText !== '' &&
      Number.isFinite(amount);
    if (!readable) {
      unreadable += 1;
      continue;
    }
    rowOf(batch, hour, tenant === '-' ? null : tenant!)[METER_INDEX[meter as CountedMeter]]! += amount;
  }
  return { batch, counts: lines.length - unreadable, unreadable };
}

/** Removes a spool file; one already gone (another process replayed it meanwhile) is no error. */
export async function removeSpoolFile(path: string): Promise<void> {
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/** A process's side of its spool: the file of the batch it gathers. */
export interface SpoolWriter {
  /** Appends a count to the file of batch `sequence` (made by its first count). Never throws: it logs, and the batch goes unspooled. */
  append(sequence: number, hour: number, tenantId: string | null, meter: CountedMeter, amount: number): void;
  /** Closes the file of the batch just taken; its path, to remove once the batch commits (null: it has none). */
  seal(): string | null;
}

export function createSpoolWriter(options: {
  place: SpoolPlace;
  owner: SpoolOwner;
  processId: string;
  log: { warn(object: object, message: string): void };
}): SpoolWriter {
  const { place, owner, processId, log } = options;
  let sequence = 0;
  let path: string | null = null;
  let fd: number | null = null;

  function close(): void {
    if (fd === null) return;
    try {
      closeSync(fd);
    } catch {
      // Nothing to do about it: the file's counts are written, only the descriptor is lost.
    }
    fd = null;
  }

  function fail(err: unknown): void {
    log.warn({ err, file: path }, 'usage counts not spooled: a kill before this batch is flushed loses it');
    close();
  }

  function open(next: number): void {
    close();
    sequence = next;
    path = join(place.dir, spoolFileName({ database: place.database, owner, processId, sequence }));
    try {
      fd = openSync(path, 'a');
    } catch (err) {
      fail(err);
    }
  }

  return {
    append(next, hour, tenantId, meter, amount) {
      if (next !== sequence) open(next);
      if (fd === null) return;
      const line = spoolLine(hour, tenantId, meter, amount);
      try {
        // One line's bytes (ASCII) in one write: a short write would leave a line that later ones corrupt.
        if (writeSync(fd, line) !== line.length) throw new Error(`short write to ${path}`);
      } catch (err) {
        fail(err);
      }
    },
    seal() {
      const sealed = path;
      close();
      path = null;
      sequence = 0;
      return sealed;
    },
  };
}
