/** Runs at most `limit` tasks at once; the others wait their turn in order, each handed the slot the one before it leaves. */
export function createLimiter(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next in line: no task that arrives meanwhile takes it first.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

export type Limiter = ReturnType<typeof createLimiter>;
