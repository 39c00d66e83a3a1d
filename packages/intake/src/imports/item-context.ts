import type { Import } from '@darkroom/db/import-schema';
import type { Tenant } from '@darkroom/db/schema';
import type { ImportRecorder } from '../index.js';
import type { ImportDeps, ImportLog } from './deps.js';
import type { Limiter } from '@darkroom/core/limiter';
import type { ImportSource } from './sources/source.js';

/**
 * What every item of one run shares: run-import.ts makes it; import-item.ts and import-file.ts take
 * it (here, so neither imports the other for it).
 */
export interface ItemContext {
  deps: ImportDeps;
  log: ImportLog;
  imp: Import;
  tenant: Tenant;
  source: ImportSource;
  /** The tenant's limits as an upload's (its size limit, its accepted types). */
  limits: { maxBytes: number; accepted: readonly string[] };
  /** A pause, a cancel, a lost lease or the process stopping. */
  signal: AbortSignal;
  /** Listing pages that failed in a row (run-import.ts's retries). */
  listFailures: number;
  /** The deployment's bucket stopped answering: the run waits for it before it takes more items. */
  bucketDown: boolean;
  /** The run's writes of assets and outcomes, batched. */
  recorder: ImportRecorder;
  /**
   * The run's requests that move bytes, IMPORT_CONCURRENCY at a time: `transfers` (copies, streams)
   * and `reads` (a copied file's first bytes, read while earlier files are copied).
   */
  lanes: { reads: Limiter; transfers: Limiter };
}
