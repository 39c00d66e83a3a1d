import type { TenantTurn } from '@darkroom/db/queries/import-claims';

/**
 * The order in which one process serves the imports it runs: round-robin by tenant. A run holds its
 * slot for a turn of at most IMPORT_TURN_MS while another import waits, then gives it up (its files in
 * flight finish first) and its tenant goes to the back; the slot goes to the waiting import whose
 * tenant this process served longest ago, one it never served first, and among a tenant's imports
 * to its oldest (claimImport orders by the turns kept here). So four long imports hold four slots
 * for a turn each, never for good, and a fifth tenant's import starts within a turn.
 */

/** How long a run keeps its slot while another import waits for one. */
export const IMPORT_TURN_MS = 30_000;
/** Tenants a rotation remembers: one forgotten was served longest ago, and goes first as one never served does. */
const REMEMBERED_TENANTS = 1000;

export class TenantTurns {
  readonly #turns = new Map<string, number>();
  #last = 0;

  /** The tenant was given a slot: it goes to the back of the rotation. */
  served(tenantId: string): void {
    this.#turns.delete(tenantId);
    this.#turns.set(tenantId, ++this.#last);
    if (this.#turns.size > REMEMBERED_TENANTS) this.#turns.delete(this.#turns.keys().next().value!);
  }

  /** Each remembered tenant's turn, the lowest served longest ago; a tenant not here goes before all of them. */
  turns(): TenantTurn[] {
    return [...this.#turns].map(([tenantId, turn]) => ({ tenantId, turn }));
  }
}

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
