import type { Import } from '@darkroom/db/import-schema';
import type { ImportDeps } from '../deps.js';
import { openBucketImportSource } from './bucket/source.js';
import type { ImportSource } from './source.js';
import { urlImportSource } from './url/source.js';

/**
 * An import's source, of the kind it names. Apart from source.ts (what every source is), so
 * the sources import that contract and this one module imports them.
 */
export async function openImportSource(deps: ImportDeps, imp: Import): Promise<ImportSource> {
  return imp.source.type === 'urls' ? urlImportSource(deps) : openBucketImportSource(deps, imp);
}
