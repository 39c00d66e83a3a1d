/**
 * The public shapes of the HTTP contract (docs/api.md, `/docs/json`): zod schemas and the types
 * derived from them. The API's routes and OpenAPI document use these schemas, `@darkroom/db` builds
 * these types from its rows, and tests check replies against them.
 */
export * from './error.js';
export * from './asset.js';
export * from './job.js';
export * from './event.js';
export * from './upload.js';
export * from './import.js';
