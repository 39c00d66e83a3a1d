import type { SecretBox } from '@darkroom/core/webhooks';
import type { StorageConfig } from '@darkroom/storage';
import type { IntakeConfig, IntakeDeps, IntakeLog } from '../deps.js';
import type { ImportConfig } from './import-config.js';

/**
 * What an import's run needs of the process it runs in, and no more: the intake's own, its
 * settings (import-config.ts), the key that opens a bucket source's sealed keys, and a look at the
 * deployment's bucket. The API's dependencies satisfy it as they are.
 */
export interface ImportDeps extends IntakeDeps {
  config: IntakeConfig & {
    /** The runner's own pool and its LISTEN for pauses and cancels connect with it. */
    databaseUrl: string;
    storage: StorageConfig;
    imports: ImportConfig;
    uploads: IntakeConfig['uploads'] & {
      /** A tenant's limits unless it has its own (UPLOAD_MAX_BYTES, ACCEPTED_CONTENT_TYPES). */
      maxBytes: number;
      acceptedContentTypes: string[];
      /** How long an imported asset's row has to be confirmed in, as an upload's (UPLOAD_TTL). */
      ttlMs: number;
    };
  };
  /** Opens a bucket source's keys, sealed with WEBHOOK_SECRET_KEY when the import was started. */
  secretBox: Pick<SecretBox, 'open'>;
  /** Whether the deployment's bucket answers (rejects when it does not). */
  readiness: { storage(): Promise<void> };
}

/** The lines a run writes: a Fastify logger and a worker's pino logger both serve. */
export interface ImportLog extends IntakeLog {
  info(details: object, message: string): void;
  info(message: string): void;
  warn(details: object, message: string): void;
  warn(message: string): void;
  error(details: object, message: string): void;
  child(bindings: Record<string, unknown>): ImportLog;
}
