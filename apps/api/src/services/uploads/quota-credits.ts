import { quotaPeriod } from '@darkroom/core/contract/usage';
import type { Executor } from '@darkroom/db/client';
import { newId } from '@darkroom/db/ids';
import { giveBackToHold, takeQuotaHold, type QuotaLimit, type QuotaRefusal } from '@darkroom/db/queries/usage';

/** How long a credit serves starts before what is left of it goes back to the tenant's quotas. */
export const CREDIT_LIFE_MS = 1000;
/** The most credit a hold asks for (a pebibyte): doubling stops there, in a number Postgres's bigint takes. */
const MAX_EXTRA = 2 ** 50;
/** Waiting starts of one tenant taken into one hold, at most. */
const MAX_WAITING = 256;

/** An upload start's reservation: served from a hold (recorded on the upload's row), or refused. */
export type Reservation = { holdId: string; refusal?: undefined } | { refusal: QuotaRefusal; holdId?: undefined };

export interface StartToReserve {
  tenantId: string;
  /** The tenant's upload quotas (storedBytes, uploadBytesPerMonth), those it set. */
  limits: readonly QuotaLimit[];
  /** The declared size. */
  size: number;
}

export interface QuotaCredits {
  reserve(start: StartToReserve): Promise<Reservation>;
  /** Gives back every credit (shutdown, after the last request). */
  close(): Promise<void>;
}

interface Waiting {
  size: number;
  settle: (reservation: Reservation) => void;
  fail: (error: unknown) => void;
}

interface Credit {
  holdId: string;
  /** What it was taken with, and what is left of it. */
  size: number;
  left: number;
  /** The quotas' periods it was taken in: a month's credit is not spent in the next. */
  periods: string;
  retireAt: number;
}

/** One tenant's starts (against the same limits) in this process. */
interface TenantLine {
  tenantId: string;
  limits: readonly QuotaLimit[];
  credit: Credit | null;
  waiting: Waiting[];
  holding: boolean;
  /**
   * What the next hold for queued starts asks beyond them, doubled by each: the last credit's ask,
   * or, once one retired, what the starts spent of it in its life (none: the line is dropped).
   */
  extra: number;
  timer: NodeJS.Timeout | null;
}

/** The statements a line runs (a unit test's fakes count them). */
export interface HoldStatements {
  takeQuotaHold: typeof takeQuotaHold;
  giveBackToHold: typeof giveBackToHold;
}
const HOLD_STATEMENTS: HoldStatements = { takeQuotaHold, giveBackToHold };

const periodsOf = (limits: readonly QuotaLimit[], at: Date) => limits.map((l) => quotaPeriod(l.quota, at)).join(',');

/**
 * Upload starts' reservations for a tenant with quotas (docs/operations.md#usage). A tenant's starts
 * in this process take a hold one statement at a time: the starts that arrive while one is in
 * flight wait for it and go into the next, first come first fit. When starts queued (more than one
 * waited), the hold also asks for credit, twice the last, up to a small share of the room left
 * (HOLD_ROOM_SHARE): the next starts are served from it without a statement until it runs out, and
 * what is left goes back after CREDIT_LIFE_MS. Alone, a start's hold is exactly its size.
 */
export function createQuotaCredits(db: Executor, options: { urlTtlSeconds: number }, holds: HoldStatements = HOLD_STATEMENTS): QuotaCredits {
  const { takeQuotaHold, giveBackToHold } = holds;
  const lines = new Map<string, TenantLine>();

  /** The credit's hold when it still serves a start of this size (and takes the size from it), else null. */
  function fromCredit(line: TenantLine, size: number, now: Date): string | null {
    const credit = line.credit;
    if (!credit || now.getTime() >= credit.retireAt || credit.left < size || credit.periods !== periodsOf(line.limits, now)) return null;
    credit.left -= size;
    return credit.holdId;
  }

  /** The starts that queued while a hold was in flight, served from its credit in order, as far as it goes. */
  function serveWaiting(line: TenantLine): void {
    const now = new Date();
    while (line.waiting.length > 0) {
      const holdId = fromCredit(line, line.waiting[0]!.size, now);
      if (!holdId) return;
      line.waiting.shift()!.settle({ holdId });
    }
  }

  /** One hold for the starts waiting now; the credit left over is folded into it when it is of the same periods. */
  async function holdFor(line: TenantLine, batch: Waiting[]): Promise<void> {
    const now = new Date();
    const periods = periodsOf(line.limits, now);
    const old = line.credit;
    if (old && old.periods !== periods) {
      await giveBackToHold(db, old.holdId, old.left);
      line.credit = null;
    }
    const returned = line.credit && line.credit.left > 0 ? { holdId: line.credit.holdId, amount: line.credit.left } : undefined;
    const sizes = batch.map((w) => w.size);
    const need = sizes.reduce((sum, size) => sum + size, 0);
    // A start alone asks for itself: only starts that queued show a rate worth a credit.
    const extra = batch.length > 1 ? Math.min(Math.max(need, 2 * line.extra), MAX_EXTRA) : 0;
    const holdId = newId();
    const expiresAt = new Date(now.getTime() + CREDIT_LIFE_MS + options.urlTtlSeconds * 1000);
    const grant = await takeQuotaHold(db, { tenantId: line.tenantId, holdId, limits: line.limits, sizes, extra, expiresAt, returned }, now);
    if (batch.length > 1) line.extra = extra;
    line.credit = grant.credit > 0 ? { holdId, size: grant.credit, left: grant.credit, periods, retireAt: now.getTime() + CREDIT_LIFE_MS } : null;
    for (const [i, w] of batch.entries()) {
      const refusal = grant.refusals[i];
      w.settle(refusal ? { refusal } : { holdId });
    }
  }

  async function drain(key: string, line: TenantLine): Promise<void> {
    line.holding = true;
    for (serveWaiting(line); line.waiting.length > 0; serveWaiting(line)) {
      const batch = line.waiting.splice(0, MAX_WAITING);
      try {
        await holdFor(line, batch);
      } catch (error) {
        for (const w of batch) w.fail(error);
      }
    }
    line.holding = false;
    scheduleRetire(key, line);
  }

  /** What is left of a credit goes back once its life is over; an idle line is dropped. */
  function scheduleRetire(key: string, line: TenantLine): void {
    if (line.timer) clearTimeout(line.timer);
    line.timer = null;
    if (!line.credit) {
      if (line.extra === 0) lines.delete(key);
      return;
    }
    line.timer = setTimeout(() => void retire(key, line), Math.max(0, line.credit.retireAt - Date.now()));
    line.timer.unref();
  }

  async function retire(key: string, line: TenantLine): Promise<void> {
    line.timer = null;
    const credit = line.credit;
    if (line.holding || !credit) return;
    line.credit = null;
    // The next credit starts from what this one served, so a steady stream of starts does not
    // climb from nothing again each second; a line whose credit served nothing is dropped.
    line.extra = credit.size - credit.left;
    if (line.extra === 0 && lines.get(key) === line && line.waiting.length === 0) lines.delete(key);
    // A failure leaves it to the hold's expiry, as a killed process does.
    await giveBackToHold(db, credit.holdId, credit.left).catch(() => {});
  }

  return {
    reserve(start) {
      // Starts share a line only against the same limits (a PATCH between two starts splits them).
      const key = `${start.tenantId}:${JSON.stringify(start.limits)}`;
      let line = lines.get(key);
      if (!line) {
        line = { tenantId: start.tenantId, limits: start.limits, credit: null, waiting: [], holding: false, extra: 0, timer: null };
        lines.set(key, line);
      }
      // First come first served: a start goes ahead of none queued behind a hold in flight.
      const served = line.holding || line.waiting.length > 0 ? null : fromCredit(line, start.size, new Date());
      if (served) return Promise.resolve({ holdId: served });
      const current = line;
      return new Promise((settle, fail) => {
        current.waiting.push({ size: start.size, settle, fail });
        if (!current.holding) void drain(key, current);
      });
    },
    async close() {
      await Promise.all([...lines.entries()].map(([key, line]) => retire(key, line)));
    },
  };
}
