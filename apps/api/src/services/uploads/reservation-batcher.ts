import type { Executor } from '@darkroom/db/client';
import { reserveUploads, type QuotaRefusal, type UploadReservation } from '@darkroom/db/queries/usage';

/** Upload starts of one tenant reserved together, at most this many to a statement. */
const MAX_BATCH = 256;

interface Waiting {
  reservation: UploadReservation;
  settle: (refusal: QuotaRefusal | null) => void;
  fail: (error: unknown) => void;
}

export interface ReservationBatcher {
  /** An upload's reservation (`reserveUploads`), made with the others of its tenant waiting at the same time. */
  reserve(reservation: UploadReservation): Promise<QuotaRefusal | null>;
}

/**
 * Group commit for quota reservations. Every start of a tenant with quotas updates the same counter
 * rows, so their statements queue on one row lock: one at a time, each waking the next. Here a
 * tenant has at most one reservation statement in flight in this process; the starts that arrive
 * meanwhile wait for it, then go together as the next one, first come first fit. Alone, a start's
 * statement is sent at once, as it would be without this.
 */
export function createReservationBatcher(db: Executor): ReservationBatcher {
  const queues = new Map<string, Waiting[]>();

  async function drain(key: string, queue: Waiting[]): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      try {
        const refusals = await reserveUploads(
          db,
          batch.map((w) => w.reservation),
        );
        for (const [i, w] of batch.entries()) w.settle(refusals[i] ?? null);
      } catch (error) {
        for (const w of batch) w.fail(error);
      }
    }
    queues.delete(key);
  }

  return {
    reserve(reservation) {
      // Uploads reserve together only against the same limits (a PATCH between two starts splits them).
      const key = `${reservation.tenantId}:${JSON.stringify(reservation.limits)}`;
      return new Promise((settle, fail) => {
        const queue = queues.get(key);
        if (queue) return void queue.push({ reservation, settle, fail });
        const fresh: Waiting[] = [{ reservation, settle, fail }];
        queues.set(key, fresh);
        void drain(key, fresh);
      });
    },
  };
}
