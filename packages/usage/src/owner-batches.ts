/** A call waiting for its statement: its items and how to answer it. */
interface Waiting<T> {
  items: readonly T[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** One owner's calls: those waiting, and whether a statement of theirs is in flight. */
interface Line<T> {
  waiting: Waiting<T>[];
  running: boolean;
}

/** Items a statement carries at most: calls past it wait for the next one. */
export const MAX_BATCH_ITEMS = 1000;

/** The calls at the head of the line up to MAX_BATCH_ITEMS items (always at least one call). */
function takeBatch<T>(waiting: Waiting<T>[]): Waiting<T>[] {
  let items = 0;
  let count = 0;
  while (count < waiting.length && (count === 0 || items + waiting[count]!.items.length <= MAX_BATCH_ITEMS)) {
    items += waiting[count]!.items.length;
    count++;
  }
  return waiting.splice(0, count);
}

/**
 * `run` (one statement) for each call, except that calls for one owner that arrive while that
 * owner's statement is in flight go out together in the next one, and each call resolves when the
 * statement that carried it committed (or rejects with its error). A call never waits for a timer:
 * the first goes out at once. An image's variants are stored at once and each write's ledger row
 * took its own commit, queued on the tenant's `storedBytes` counter row; together they take one or
 * two. Only one owner's calls share a statement, so two processes' statements never lock two
 * tenants' counters in opposite orders; a call whose items have several owners runs alone.
 */
export function ownerBatches<T>(run: (items: T[]) => Promise<void>, ownerOf: (item: T) => string): (items: readonly T[]) => Promise<void> {
  const lines = new Map<string, Line<T>>();

  async function drain(owner: string, line: Line<T>): Promise<void> {
    line.running = true;
    while (line.waiting.length > 0) {
      const batch = takeBatch(line.waiting);
      try {
        await run(batch.flatMap((call) => call.items));
        for (const call of batch) call.resolve();
      } catch (error) {
        for (const call of batch) call.reject(error);
      }
    }
    lines.delete(owner);
  }

  return (items) => {
    const owners = new Set(items.map(ownerOf));
    const [owner] = owners;
    if (owner === undefined || owners.size > 1) return items.length === 0 ? Promise.resolve() : run([...items]);
    return new Promise<void>((resolve, reject) => {
      let line = lines.get(owner);
      if (!line) {
        line = { waiting: [], running: false };
        lines.set(owner, line);
      }
      line.waiting.push({ items, resolve, reject });
      if (!line.running) void drain(owner, line);
    });
  };
}
