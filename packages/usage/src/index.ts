export { createUsageCounters, noUsageCounters, type UsageCounters, type UsageCountersOptions, type UsageLog } from './counters.js';
export { createStorageMeter } from './storage-meter.js';
export { createMetering, type Metering } from './metering.js';
export { usageEnvSettings, usageSpoolEnvSettings, usageConfigOf, type UsageConfig } from './settings.js';
