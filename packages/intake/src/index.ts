/**
 * The intake: a checked original to a confirmed asset (docs/architecture.md#the-intake). An upload's
 * `complete` (`confirmUpload`), an import's files (`confirmImportedFile`, batched by the import
 * recorder) and a restore's rebuild (the worker's `recover`, through `enqueueAfterCommit`) go
 * through it; `confirm.ts` is where an asset becomes `queued`.
 */
export * from './deps.js';
export * from './bytes.js';
export * from './audio-check.js';
export * from './bucket-records.js';
export * from './confirm.js';
export * from './confirm-upload.js';
export * from './enqueue-after-commit.js';
export * from './import-recorder.js';
export * from './imported-file.js';
export * from './upload-rules.js';
export * from './settings.js';
