export { recordUsage, type UsageEvent, type MovedCounter } from './record.js';
export { recordObjectsWritten, recordObjectsDeleted, type LedgerObject, type LedgerWrite } from './ledger.js';
export { ensureUsagePartitions, monthStart, partitionName, USAGE_PARTITIONED } from './partitions.js';
