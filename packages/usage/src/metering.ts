import type { Database } from '@darkroom/db/client';
import type { StorageObserver } from '@darkroom/storage';
import { createUsageCounters, noUsageCounters, type UsageCounters, type UsageLog } from './counters.js';
import type { UsageConfig } from './settings.js';
import { createStorageMeter } from './storage-meter.js';

/** One process's meters: its counters, and the observer its storage client is made with (none when metering is off). */
export interface Metering {
  counters: UsageCounters;
  observer: StorageObserver | undefined;
}

/** What each app's deps build at boot from USAGE_*: `stop()` the counters on shutdown, after the last request. */
export function createMetering(options: { db: Database; config: UsageConfig; processName: string; log: UsageLog }): Metering {
  const { db, config } = options;
  if (!config.metering) return { counters: noUsageCounters(), observer: undefined };
  const counters = createUsageCounters({ db, processName: options.processName, flushSeconds: config.flushSeconds, log: options.log });
  return { counters, observer: createStorageMeter({ db, counters }) };
}
