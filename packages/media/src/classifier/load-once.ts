/**
 * A load run once per process: concurrent first callers share one Promise, and a load that failed
 * is forgotten (its error mapped by `fail`), so the next call (a job's retry) loads again.
 */
export function loadOnce<T>(start: () => Promise<T>, fail: (error: unknown) => unknown = (error) => error): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= start().catch((error: unknown) => {
      loading = undefined;
      throw fail(error);
    });
    return loading;
  };
}
