/**
 * An import's run (docs/design/imports.md): the runner that takes imports under way from Postgres,
 * a run's items and its sources (`sources/bucket/`, `sources/url/`), behind `ImportDeps`. The API
 * starts, reads, pauses and cancels imports; whatever process runs them imports this.
 */
export type { ImportDeps, ImportLog } from './deps.js';
export { importConfigOf, importEnvSettings, type ImportConfig } from './import-config.js';
export { controlImport, requireTenantImport, type ImportControl } from './import-controls.js';
export { importMetadataOf } from './import-metadata.js';
export { createImportPace, type ImportPace } from './import-pace.js';
export { identityHashOf, importCredentialsAad } from './identity.js';
export { importItem } from './import-item.js';
export type { ItemContext } from './item-context.js';
export { startImportRunner, type ImportRunner, type RunnerOptions } from './runner.js';
export { bucketNameProblem, endpointProblem, isDeploymentBucket } from './sources/bucket/checks.js';
export { openImportSource } from './sources/open.js';
export { STREAM_PART_BYTES } from './sources/source.js';
