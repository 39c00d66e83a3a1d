/**
 * How imports share the workers' import slots: a slice holds its slot for a turn of at most
 * IMPORT_TURN_MS while another import waits, then gives it up (its files in flight finish first)
 * and its next slice goes to the back of the queue, behind the waiting imports' own (slices.ts);
 * a tenant's imports run one after another (claimImport). So four long imports hold four slots
 * for a turn each, never for good, and a fifth tenant's import starts within a turn.
 */

/** How long a run keeps its slot while another import waits for one. */
export const IMPORT_TURN_MS = 10_000;
/** A run's turn: how long it is, and whether another import waits for the run's slot (asked only once a turn is over). */
export interface Turn {
  ms: number;
  othersWaiting: () => Promise<boolean>;
}

/**
 * A run's turn as it goes: `over()` is true once the turn has lasted `turn.ms` and another import
 * waits; with none waiting, the run goes on for another turn. No turn: never over.
 */
export function startTurn(turn: Turn | undefined, now: () => number = Date.now): { over(): Promise<boolean> } {
  if (!turn) return { over: async () => false };
  let endsAt = now() + turn.ms;
  return {
    async over() {
      if (now() < endsAt) return false;
      if (await turn.othersWaiting()) return true;
      endsAt = now() + turn.ms;
      return false;
    },
  };
}
