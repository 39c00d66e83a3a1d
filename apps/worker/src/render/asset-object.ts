import type { Asset } from '@darkroom/db/schema';
import { assetObjectLocation, type ObjectLocation } from '@darkroom/storage';
import type { WorkerDeps } from '../deps.js';

/**
 * Where an object of `asset` is written or removed: where its other objects are now
 * (`objectsVisibility`), so a render finishing while its asset's visibility changes lands beside
 * the rest, and the move (../visibility-move.ts), which waits for the asset's job, takes it along.
 */
export function assetObject(deps: WorkerDeps, asset: Pick<Asset, 'objectsVisibility'>, key: string): ObjectLocation {
  return assetObjectLocation(deps.config.storage, asset.objectsVisibility, key);
}
