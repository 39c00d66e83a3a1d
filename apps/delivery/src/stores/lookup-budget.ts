/**
 * How many lookups of uncached assets a process may start a second (DELIVERY_LOOKUPS_PER_SECOND):
 * a flood of random ids costs Postgres at most that, whatever its size, while cached assets are
 * answered as usual. A window per whole second, counted in this process.
 */
export interface LookupBudget {
  /** Takes one lookup from this second's budget; false when it is spent. */
  take(): boolean;
}

export function createLookupBudget(perSecond: number, now: () => number = Date.now): LookupBudget {
  let second = -1;
  let used = 0;
  return {
    take() {
      const current = Math.floor(now() / 1000);
      if (current !== second) {
        second = current;
        used = 0;
      }
      if (used >= perSecond) return false;
      used++;
      return true;
    },
  };
}
