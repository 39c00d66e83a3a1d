/**
 * An import's run (docs/design/imports.md): its slices, which a worker's import lane runs, a run's
 * items and its sources (`sources/bucket/`, `sources/url/`), behind `ImportDeps`. The API starts,
 * reads, pauses and cancels imports with the rest.
 */
export type { ImportDeps, ImportLog } from './deps.js';
export { backupBucketOf, backupBucketSettings, importConfigOf, importEnvSettings, type ImportConfig } from './import-config.js';
export { controlImport, requireTenantImport, type ControlDeps, type ImportControl } from './import-controls.js';
export { importMetadataOf } from './import-metadata.js';
export { queueImportSlice, type SliceQueueDeps } from './queue-slice.js';
export { identityHashOf, importCredentialsAad } from './identity.js';
export { importItem } from './import-item.js';
export type { ItemContext } from './item-context.js';
export { BUSY_RETRY_MS, createImportSlices, type ImportSlices, type SliceEnd, type SliceOptions } from './slices.js';
export { bucketSourceProblem, isDeploymentBucket } from './sources/bucket/checks.js';
export { openImportSource } from './sources/open.js';
export { STREAM_PART_BYTES } from './sources/source.js';
