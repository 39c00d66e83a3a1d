import type { ImportedAsset, ItemOutcome, RecordedImport } from '@darkroom/db/queries/import-records';
import { confirmImported } from './confirm.js';
import type { IntakeDeps, IntakeLog } from './deps.js';

/** Writes of one batch at most: a transaction stays short however many files wait. */
const MAX_BATCH = 64;
/**
 * Batches written at once: a second starts only while a full batch waits, so a slow commit does
 * not hold up the files behind it, and a quiet import writes one batch at a time.
 */
const WRITERS = 2;

/**
 * An import run's writes, batched (group commit): what its items ask to record while a batch is
 * being written goes in the next, in one transaction (`confirmImported`), so Postgres commits
 * once for many files, and a file waits for no commit but the one after its own request.
 */
export interface ImportRecorder {
  /** A file's asset, `queued` with its event and job (queued in Redis after the commit); the row another runner wrote stands. */
  recordAsset(asset: ImportedAsset): Promise<RecordedImport>;
  /** An item's outcome with its import's counts; false when the item's claim is no longer the one under way. */
  finish(outcome: ItemOutcome): Promise<boolean>;
  /** Writes asked for and not yet made: files past their transfer. */
  pending(): number;
}

interface Waiting<T, R> {
  entry: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/** `onAdd`: told each time a file asks for a write (it is past its transfer: the run may take another). */
export function createImportRecorder(deps: IntakeDeps, log: IntakeLog, onAdd: () => void = () => {}): ImportRecorder {
  const assets: Waiting<ImportedAsset, RecordedImport>[] = [];
  const outcomes: Waiting<ItemOutcome, boolean>[] = [];
  let writers = 0;
  let scheduled = false;
  let unsettled = 0;

  async function writeWhileWaiting(): Promise<void> {
    writers++;
    try {
      while (assets.length > 0 || outcomes.length > 0) {
        await write(assets.splice(0, MAX_BATCH), outcomes.splice(0, MAX_BATCH));
      }
    } finally {
      writers--;
    }
  }

  async function write(a: Waiting<ImportedAsset, RecordedImport>[], o: Waiting<ItemOutcome, boolean>[]): Promise<void> {
    try {
      const written = await confirmImported(deps, log, { assets: a.map((w) => w.entry), outcomes: o.map((w) => w.entry) });
      for (const [n, w] of a.entries()) w.resolve(written.assets[n]!);
      for (const [n, w] of o.entries()) w.resolve(written.recorded[n]!);
    } catch (error) {
      if (a.length + o.length === 1) {
        a[0]?.reject(error);
        o[0]?.reject(error);
        return;
      }
      // One write that cannot be made (or Postgres gone) must fail only its own item: each alone.
      for (const w of a) await write([w], []);
      for (const w of o) await write([], [w]);
    }
  }

  function add<T, R>(queue: Waiting<T, R>[], entry: T): Promise<R> {
    unsettled++;
    const done = new Promise<R>((resolve, reject) => queue.push({ entry, resolve, reject })).finally(() => unsettled--);
    onAdd();
    const full = assets.length >= MAX_BATCH || outcomes.length >= MAX_BATCH;
    if ((writers === 0 || (full && writers < WRITERS)) && !scheduled) {
      // A write starts a turn of the event loop later, with what its neighbours ask at the same moment.
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        void writeWhileWaiting();
      });
    }
    return done;
  }

  return {
    recordAsset: (asset) => add(assets, asset),
    finish: (outcome) => add(outcomes, outcome),
    pending: () => unsettled,
  };
}
