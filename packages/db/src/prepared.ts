import type { Executor } from './client.js';

/**
 * A query built once per database handle and reused: drizzle otherwise rebuilds the SQL text of
 * every call, the largest part of an asset read in the API's profile
 * (docs/design/api.md#queries-built-once). Hot-path queries (key lookup, asset read, upload
 * start) go through this; the built query keeps placeholders, and postgres.js prepares its
 * statement on each connection once.
 */
export function preparedPer<T>(build: (db: Executor) => T): (db: Executor) => T {
  const built = new WeakMap<object, T>();
  return (db) => {
    let query = built.get(db);
    if (!query) {
      query = build(db);
      built.set(db, query);
    }
    return query;
  };
}
