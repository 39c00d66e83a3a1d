import type { Executor } from '../client.js';
import { deleteAssetRow, isAssetInHand } from './assets.js';

/**
 * How an asset is deleted, from the API's DELETE to its row's end:
 * 1. `markAssetDeleting` (the API): the row turns `deleting`, gone for the API, its queued jobs closed;
 * 2. `finishAssetDeletion`, by whoever comes first to a moment no worker holds the asset: the API
 *    right after step 1, else the worker that held it once it sees the status, else the purge
 *    sweep (apps/worker/src/deletion.ts has the worker's side).
 * The bucket objects go before the row, so a failure in between leaves the row `deleting` for the
 * sweep and never an object without its row.
 */
export async function finishAssetDeletion(db: Executor, params: FinishAssetDeletion): Promise<boolean> {
  // A worker that has the asset in hand finishes the deletion itself when it sees the status.
  if (await isAssetInHand(db, { assetId: params.assetId })) return false;
  try {
    await params.removeObjects();
    await deleteAssetRow(db, { id: params.assetId });
    return true;
  } catch (error) {
    if (!params.onRemoveFailed) throw error;
    params.onRemoveFailed(error);
    return false;
  }
}

export interface FinishAssetDeletion {
  assetId: string;
  /** Removes every bucket object of the asset (@darkroom/storage's purgeAssetObjects). */
  removeObjects: () => Promise<void>;
  /** Given: a failure to remove the objects or the row is told here and left to the purge sweep, not thrown. */
  onRemoveFailed?: (error: unknown) => void;
}
