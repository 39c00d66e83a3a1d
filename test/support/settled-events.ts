import { createDatabase, type Executor } from '@darkroom/db/client';
import { settledBound } from '@darkroom/db/queries/events';
import { testEnv } from '../test-env.js';
import { waitFor } from './services.js';

/**
 * Waits until every event written before the call is settled, so a feed read after it shows them
 * all. The feed holds back events newer than the oldest write transaction still open in the whole
 * database (`settledBound`), and other test files' transactions (an import's pass, a copy under a
 * row lock, a test holding one open on purpose) run beside a file's. Asks through `db` when the
 * caller has one, else through a connection of its own for the wait.
 */
export async function untilEventsSettled(db?: Executor): Promise<void> {
  const asked = Date.now();
  const settled = async (executor: Executor): Promise<void> => {
    await waitFor('the events feed to settle', async () => (await settledBound(executor)).getTime() >= asked);
  };
  if (db) return settled(db);
  const handle = createDatabase({ url: testEnv.DATABASE_URL!, maxConnections: 1 });
  try {
    await settled(handle.db);
  } finally {
    await handle.close();
  }
}
