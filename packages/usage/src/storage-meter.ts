import { BUCKET_CLASS_METER, bucketClassOf } from '@darkroom/core/contract/usage';
import { objectOwner } from '@darkroom/core/keys';
import type { Database } from '@darkroom/db/client';
import { type LedgerObject, type LedgerWrite, noteQuotaThresholds, recordObjectsDeleted, recordObjectsWritten } from '@darkroom/db/queries/usage';
import type { StorageObserver } from '@darkroom/storage';
import type { UsageCounters } from './counters.js';
import { ownerBatches } from './owner-batches.js';

/**
 * What Darkroom's storage client tells the meters: each request attempt in B2's class and each
 * presigned URL into the counters, by the owner of the key (or prefix) named; each object written
 * or deleted into the ledger (`stored_objects`), awaited, so `stored_bytes` is from Darkroom's own
 * records, never a LIST. An owner's writes that end together share a statement (./owner-batches.ts).
 */
export function createStorageMeter(options: { db: Database; counters: UsageCounters }): StorageObserver {
  const { db, counters } = options;
  const ownerOfObject = (object: LedgerObject) => String(objectOwner(object.key).tenantId);
  // One statement a batch, committed by itself (a storage call waits for it: a transaction around
  // it cost two more round trips each). The storedBytes levels it reaches are raised right after,
  // in their own transaction; killed in between, the next write that moves the counter raises them.
  const written = ownerBatches(
    async (objects: LedgerWrite[]) => void (await noteQuotaThresholds(db, await recordObjectsWritten(db, objects))),
    ownerOfObject,
  );
  const deleted = ownerBatches(
    async (objects: LedgerObject[]) => void (await noteQuotaThresholds(db, await recordObjectsDeleted(db, objects))),
    ownerOfObject,
  );
  return {
    request(operation, _bucket, key) {
      counters.add(objectOwner(key).tenantId, BUCKET_CLASS_METER[bucketClassOf(operation)], 1);
    },
    presigned(kind, key) {
      counters.add(objectOwner(key).tenantId, kind === 'upload' ? 'presigned_urls_a' : 'presigned_urls_b', 1);
    },
    written,
    deleted,
  };
}
