import { EventEmitter, once } from 'node:events';
import { DarkroomError } from '@darkroom/core/errors';
import { ERRORS } from '@darkroom/core/error-factories';
import { claimFreeImportIdentities } from '@darkroom/db/queries/import-records';
import { claimImportItems, countOutstandingItems, retryImportItemLater, returnImportItem, saveListingPage } from '@darkroom/db/queries/import-runs';
import { endImport, notifyImportProgress } from '@darkroom/db/queries/import-ends';
import { getImport } from '@darkroom/db/queries/imports';
import { getTenant } from '@darkroom/db/queries/tenants';
import { newId } from '@darkroom/db/ids';
import { releaseImportLease } from '@darkroom/db/queries/import-claims';
import type { Import, ImportItem } from '@darkroom/db/import-schema';
import { createImportRecorder } from '../index.js';
import { createLimiter } from '@darkroom/core/limiter';
import { tenantUploadLimits } from '../upload-rules.js';
import { failureOf, retryDelayOf } from './import-failures.js';
import { IdentityBeingImported, importItem, lookAtItem } from './import-item.js';
import type { ItemContext } from './item-context.js';
import { holdLease, type Lease, type LeaseContext } from './import-lease.js';
import { startTurn, type Turn } from './import-turns.js';
import type { ImportSource } from './sources/source.js';
import { openImportSource } from './sources/open.js';

export interface RunContext extends LeaseContext {
  /** The process is stopping: every import stops where it is. */
  stopSignal: AbortSignal;
  /** The run's turn (import-turns.ts): how long it keeps its slot, and whether another import waits for one. */
  turn?: Turn | undefined;
}

/** `import.progress` at most this often per import. */
const PROGRESS_MS = 1000;
/** A listing page is read once fewer than this many of the import's items wait (times its concurrency). */
const LIST_AHEAD = 2;
/**
 * Items a run holds at once, in IMPORT_CONCURRENCY's: while IMPORT_CONCURRENCY of them move bytes
 * (and as many have their first bytes read ahead), the others are being recorded, so no transfer
 * waits for Postgres.
 */
const WINDOW = 16;
/** How long a runner waits while every item left waits to be tried again. */
const IDLE_MS = 250;
/** How often a run waiting for the deployment's bucket asks it again. */
const BUCKET_PROBE_MS = 2000;

/**
 * Runs one import while this runner holds its lease: opens its source (a source that cannot be
 * opened or listed at all fails the import at once), then lists it a page at a time ahead of the
 * items (a bucket source) and imports IMPORT_CONCURRENCY items at once, until none is left (done),
 * or its turn is over while another import waits (import-turns.ts: it is taken up again later).
 * A pause, a cancel, a lost lease or the process stopping ends the run where it is, its transfers
 * cut off: the items in hand go back to pending when the import is next claimed. An unexpected
 * error (anything but the import's own errors) ends the run with its lease kept, to lapse: no runner
 * tries the import again sooner than IMPORT_LEASE_MS.
 */
export async function runImport(run: RunContext, claimed: Import): Promise<void> {
  const stop = new AbortController();
  const onStopping = () => stop.abort(run.stopSignal.reason);
  run.stopSignal.addEventListener('abort', onStopping, { once: true });
  const lease = holdLease(run, claimed, stop);
  let giveBack = true;
  try {
    const tenant = await getTenant(run.deps.db, { id: claimed.tenantId });
    if (!tenant) return;
    let source: ImportSource;
    try {
      source = await openImportSource(run.deps, claimed);
    } catch (error) {
      if (!(error instanceof DarkroomError)) throw error;
      await failImport(run, claimed, error);
      return;
    }
    const { maxBytes, accepted } = tenantUploadLimits(run.deps, tenant);
    const limits = { maxBytes, accepted };
    const { concurrency } = run.deps.config.imports;
    const moved = new EventEmitter().setMaxListeners(0);
    const context: ItemContext = {
      deps: run.deps,
      log: run.log,
      imp: claimed,
      tenant,
      source,
      limits,
      signal: stop.signal,
      listFailures: 0,
      bucketDown: false,
      recorder: createImportRecorder(run.deps, run.log, () => moved.emit('moved')),
      lanes: { reads: createLimiter(concurrency), transfers: createLimiter(concurrency) },
    };
    await driveImport(run, context, lease, moved);
  } catch (error) {
    // Stopped, the error is the stop's; otherwise tried again no sooner than the lease lapses.
    if (!stop.signal.aborted) giveBack = false;
    throw error;
  } finally {
    run.stopSignal.removeEventListener('abort', onStopping);
    lease.stop();
    if (giveBack) await releaseImportLease(run.deps.db, { id: claimed.id, owner: run.owner }).catch(() => {});
  }
}

/** The import's loop: list ahead, take items while there is room, record each outcome, and end it once nothing is left. */
async function driveImport(run: RunContext, context: ItemContext, lease: Lease, moved: EventEmitter): Promise<void> {
  const { deps } = run;
  const { imp, signal } = context;
  const { concurrency } = deps.config.imports;
  const window = concurrency * WINDOW;
  const inFlight = new Set<Promise<void>>();
  let lastProgress = 0;
  const turn = startTurn(run.turn);
  while (!signal.aborted) {
    if (await turn.over()) {
      run.log.info('the import gives its slot up to another one for a turn; its files in flight finish first');
      break;
    }
    if (context.bucketDown) await waitForBucket(run, context);
    // Items not yet past their transfer are taken only as the lanes will start them: once paused, no file is asked for.
    const waiting = inFlight.size - context.recorder.pending();
    const ahead = concurrency * (context.source.readsAhead ? 2 : 1) - waiting;
    const room = Math.min(window - inFlight.size, ahead);
    const items = room > 0 ? await claimImportItems(deps.db, { importId: imp.id, limit: room }) : [];
    const reserved = await reserveIdentities(run, context, items);
    for (const item of items) {
      const done = settleItem(run, context, item, reserved.get(item.id)).finally(() => inFlight.delete(done));
      inFlight.add(done);
    }
    if (items.length < room && !(await listAhead(run, context, lease))) break;
    if (inFlight.size === 0 && items.length === 0) {
      if (await finishedWhole(run, context, lease)) break;
      await sleep(IDLE_MS, signal);
    } else {
      await untilRoom(inFlight, moved);
    }
    if (Date.now() - lastProgress >= PROGRESS_MS) {
      lastProgress = Date.now();
      await sendProgress(run, lease);
    }
  }
  await Promise.allSettled([...inFlight]);
}

/**
 * Until an item settles, or one leaves its transfer (room for another ahead). At once when none is
 * in flight: the items just taken can all settle while the loop lists ahead (skipped files take a
 * few ms), and a wait for the next to settle or move would then never end.
 */
export async function untilRoom(inFlight: ReadonlySet<Promise<void>>, moved: EventEmitter): Promise<void> {
  if (inFlight.size === 0) return;
  await Promise.race([...inFlight, once(moved, 'moved')]);
}

/** The identities no item holds yet, reserved for the items just taken in one statement (a dry run reserves none). */
async function reserveIdentities(run: RunContext, context: ItemContext, items: ImportItem[]): Promise<Map<string, string>> {
  if (context.imp.dryRun || items.length === 0) return new Map();
  const wanted = items.map((item) => ({ itemId: item.id, identityHash: item.identityHash, assetId: newId() }));
  return claimFreeImportIdentities(run.deps.db, { tenantId: context.tenant.id, items: wanted });
}

/**
 * Reads the next listing page when the items waiting run low (a bucket source not listed whole).
 * False when the import failed on its listing (it cannot be listed at all).
 */
async function listAhead(run: RunContext, context: ItemContext, lease: Lease): Promise<boolean> {
  const current = lease.current();
  const { source } = context;
  if (!source.list || current.listed) return true;
  const waiting = await countOutstandingItems(run.deps.db, { importId: current.id });
  if (waiting >= LIST_AHEAD * run.deps.config.imports.concurrency) return true;
  const { maxItems } = run.deps.config.imports;
  try {
    const page = await source.list(current.listCursor, context.signal);
    const saved = await saveListingPage(run.deps.db, { id: current.id, tenantId: current.tenantId, items: page.items, next: page.next, maxItems });
    if (saved === 'too_large') return await failImport(run, current, ERRORS.importTooLarge(maxItems));
    context.listFailures = 0;
  } catch (error) {
    if (context.signal.aborted) return true;
    if (await bucketIsDown(run, context, error)) return true;
    // Unreachable a while (the source, or a network between): tried again, as an item would be.
    const delayMs = retryDelayOf(error, ++context.listFailures, run.deps.config.imports.retryScheduleMs);
    if (delayMs !== null) {
      run.log.warn({ err: error, attempt: context.listFailures }, "could not list an import's source; trying again");
      await sleep(delayMs, context.signal);
      return true;
    }
    return await failImport(run, current, error);
  }
  const row = await getImport(run.deps.db, { id: current.id });
  if (row) lease.refresh(row);
  return true;
}

/** Ends the import `failed` with `error` (its keys dropped with it); false, the run is over. */
async function failImport(run: RunContext, imp: Import, error: unknown): Promise<false> {
  await endImport(run.deps.db, { id: imp.id, from: ['planning', 'running'], to: 'failed', error: failureOf(error) });
  return false;
}

/** Ends the import `done` once it is listed whole and no item is left; true when it is over. */
async function finishedWhole(run: RunContext, context: ItemContext, lease: Lease): Promise<boolean> {
  const row = await getImport(run.deps.db, { id: context.imp.id });
  if (!row) return true;
  lease.refresh(row);
  if (context.source.list && !row.listed) return false;
  if ((await countOutstandingItems(run.deps.db, { importId: row.id })) > 0) return false;
  const ended = await endImport(run.deps.db, { id: row.id, from: ['planning', 'running'], to: 'done' });
  if (ended) run.log.info({ counts: { imported: ended.imported, skipped: ended.skipped, failed: ended.failed } }, 'import done');
  return true;
}

/** One item from start to its recorded outcome; an unreachable source (or bucket) is tried again later, up to its attempts. */
async function settleItem(run: RunContext, context: ItemContext, item: ImportItem, reserved: string | undefined): Promise<void> {
  try {
    const outcome = context.imp.dryRun ? await lookAtItem(context, item) : await importItem(context, item, { reserved, finish: true });
    // An imported file's outcome is mostly recorded with its asset already.
    if (!('recorded' in outcome)) await context.recorder.finish({ item, outcome });
  } catch (error) {
    // Stopped (a pause, a cancel, the process): the item is taken again from where it is.
    if (context.signal.aborted) return;
    if (error instanceof IdentityBeingImported) {
      await retryImportItemLater(run.deps.db, { item, delayMs: IDLE_MS, uncounted: true });
      return;
    }
    if (await bucketIsDown(run, context, error)) return void (await returnImportItem(run.deps.db, { item }));
    const delayMs = retryDelayOf(error, item.attempts, run.deps.config.imports.retryScheduleMs);
    if (delayMs !== null) {
      run.log.warn({ err: error, itemId: item.id, attempt: item.attempts }, 'an import item could not be read or stored; trying it again later');
      await retryImportItemLater(run.deps.db, { item, delayMs });
      return;
    }
    const failure = failureOf(error);
    if (failure.code === 'internal_error') run.log.error({ err: error, itemId: item.id }, 'an import item failed');
    await context.recorder.finish({ item, outcome: { status: 'failed', error: failure } });
  }
}

/**
 * Whether `error` may pass and the deployment's own bucket does not answer now: then no item can be
 * imported until it does (the source may be on it too), so the run waits for it, and neither the
 * item's tries nor the listing's are spent on an outage that would otherwise fail every item left.
 */
async function bucketIsDown(run: RunContext, context: ItemContext, error: unknown): Promise<boolean> {
  if (retryDelayOf(error, 1, run.deps.config.imports.retryScheduleMs) === null || (await bucketAnswers(run))) return false;
  context.bucketDown = true;
  return true;
}

const bucketAnswers = (run: RunContext) =>
  run.deps.readiness.storage().then(
    () => true,
    () => false,
  );

/** Takes no item until the deployment's bucket answers again (or the run stops); the items in flight settle meanwhile. */
async function waitForBucket(run: RunContext, context: ItemContext): Promise<void> {
  run.log.warn("the deployment's bucket does not answer: the import waits for it");
  while (!context.signal.aborted && !(await bucketAnswers(run))) await sleep(BUCKET_PROBE_MS, context.signal);
  context.bucketDown = false;
  if (!context.signal.aborted) run.log.info("the deployment's bucket answers again: the import goes on");
}

async function sendProgress(run: RunContext, lease: Lease): Promise<void> {
  const row = await getImport(run.deps.db, { id: lease.current().id });
  if (!row) return;
  lease.refresh(row);
  await notifyImportProgress(run.deps.db, row).catch(() => {});
}

/** Waits `ms`, or less when the run stops meanwhile. */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
