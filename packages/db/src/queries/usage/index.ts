export { recordUsage, type UsageEvent, type MovedCounter } from './record.js';
export { recordObjectsWritten, recordObjectsDeleted, type LedgerObject, type LedgerWrite } from './ledger.js';
export { ensureUsagePartitions, monthStart, partitionName, USAGE_PARTITIONED } from './partitions.js';
export { rollupUsage, DEFAULT_USAGE_HOURLY_DAYS, type RollupOptions } from './rollup.js';
export { expireUsage, ROLLED_EVENT_DAYS } from './retention.js';
export {
  takeQuotaHold,
  giveBackToHold,
  renewUpload,
  releaseUpload,
  expireQuotaHolds,
  HOLD_ROOM_SHARE,
  type HoldGrant,
  type HoldRequest,
  type QuotaRefusal,
  type UploadRenewal,
} from './quota-holds.js';
export {
  UPLOAD_QUOTAS,
  quotaLimits,
  readQuotaOf,
  readQuotaUse,
  startQuotaCounters,
  dropQuotaCounters,
  quotaChanges,
  type QuotaLimit,
  type QuotaUse,
} from './quota-counters.js';
export { noteQuotaThresholds } from './thresholds.js';
export { billedBytesByTenant } from './stored-totals.js';
export { recordWork, uploadUsage, importItemUsage, webhookAttemptUsage, deliveryRenderUsage } from './work.js';
export { readTenantUsage, readUsageExport, combineUsage, type UsageValue, type UsageExportRange } from './read.js';
export { USAGE_GRANULARITIES, USAGE_EXPORT_FORMATS, type UsageGranularity, type UsageExportFormat } from './read.js';
