import { createDatabase } from '@darkroom/db/client';
import type { StorageObserver } from '@darkroom/storage';
import { createUsageCounters, noUsageCounters, type UsageCounters, type UsageLog } from './counters.js';
import type { UsageConfig } from './settings.js';
import { databaseTagOf } from './spool.js';
import { createStorageMeter } from './storage-meter.js';

/** One process's meters: its counters, and the observer its storage client is made with (none when metering is off). */
export interface Metering {
  counters: UsageCounters;
  observer: StorageObserver | undefined;
  /** Flushes the counters, then closes the meters' connections: on shutdown, after the last request. */
  stop(): Promise<void>;
}

/**
 * Connections of the meters' own pool. Its own, because a storage call records its object while
 * its caller may hold a connection of the app's pool in a transaction across that call (`complete`
 * keeps the asset's row locked over the copy): were the ledger's writes to queue for the app's
 * pool, as many such calls as the pool has connections would wait on each other for good.
 */
const METER_CONNECTIONS = 3;

/** What each app's deps build at boot from USAGE_*. */
export function createMetering(options: { databaseUrl: string; config: UsageConfig; processName: string; log: UsageLog }): Metering {
  const { config } = options;
  if (!config.metering) {
    const counters = noUsageCounters();
    return { counters, observer: undefined, stop: () => counters.stop() };
  }
  const database = createDatabase({ url: options.databaseUrl, maxConnections: METER_CONNECTIONS });
  const counters = createUsageCounters({
    db: database.db,
    processName: options.processName,
    flushSeconds: config.flushSeconds,
    log: options.log,
    spool: config.spoolDir === null ? undefined : { dir: config.spoolDir, database: databaseTagOf(options.databaseUrl) },
  });
  return {
    counters,
    observer: createStorageMeter({ db: database.db, counters }),
    async stop() {
      await counters.stop();
      await database.close();
    },
  };
}
