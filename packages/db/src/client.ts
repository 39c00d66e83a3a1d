import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.js';

export type Database = PostgresJsDatabase<typeof schema>;
/** A database handle or an open transaction: query functions accept either. */
export type Executor = Database | Parameters<Parameters<Database['transaction']>[0]>[0];

export interface DatabaseHandle {
  db: Database;
  /** Closes the pool; waits up to `timeoutSeconds` for queries in flight. */
  close(timeoutSeconds?: number): Promise<void>;
  ping(): Promise<void>;
}

export interface DatabaseOptions {
  url: string;
  maxConnections?: number;
}

export function createDatabase(options: DatabaseOptions): DatabaseHandle {
  const sql = postgres(options.url, {
    max: options.maxConnections ?? 10,
    onnotice: () => {},
    // Fail fast when Postgres is down, so readiness probes and retries see it quickly.
    connect_timeout: 5,
  });
  const db = drizzle(sql, { schema });
  return {
    db,
    close: (timeoutSeconds = 5) => sql.end({ timeout: timeoutSeconds }),
    ping: async () => {
      await sql`select 1`;
    },
  };
}
