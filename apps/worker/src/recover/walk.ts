import { ASSET_RECORDS_PREFIX, ORIGINALS_PREFIX } from '@darkroom/core';
import type { ListedObject } from '@darkroom/storage';
import type { WorkerDeps } from '../deps.js';
import { UUID } from '../orphans.js';

/** An original in the bucket, with what lies beside it: its record object and its variant objects. */
export interface Candidate {
  tenantId: string;
  assetId: string;
  original: ListedObject;
  /** `records/assets/{tenant}/{asset}.json` exists. */
  sidecar: boolean;
  variants: ListedObject[];
}

export interface WalkOptions {
  tenantId?: string | undefined;
  /** Start after this asset (`{tenant}/{asset}`, as the progress prints it): a resumed run. */
  after?: string | undefined;
  batchSize: number;
}

const VARIANTS_PREFIX = 'variants/';
const ORIGINAL_KEY = new RegExp(`^${ORIGINALS_PREFIX}(${UUID}/${UUID})$`);
const SIDECAR_KEY = new RegExp(`^${ASSET_RECORDS_PREFIX}(${UUID}/${UUID})\\.json$`);
const VARIANT_KEY = new RegExp(`^${VARIANTS_PREFIX}(${UUID}/${UUID})/`);

interface Keyed {
  /** `{tenant}/{asset}`: ids have one length, so this orders the three listings alike. */
  id: string;
  object: ListedObject;
}

/** Every key under `prefix` after `startAfter` that `pattern` names, one listing page (1,000 keys) at a time. */
async function* keyed(deps: WorkerDeps, bucket: string, prefix: string, pattern: RegExp, startAfter?: string): AsyncGenerator<Keyed> {
  let after = startAfter;
  for (;;) {
    const page = await deps.storage.listObjectsPage({ bucket, prefix, startAfter: after, maxKeys: 1000 });
    for (const object of page.objects) {
      const id = pattern.exec(object.key)?.[1];
      if (id) yield { id, object };
    }
    if (!page.truncated || page.objects.length === 0) return;
    after = page.objects.at(-1)!.key;
  }
}

/** A listing read one key ahead, so a merge can look before it takes. */
class Ahead {
  private head: IteratorResult<Keyed> | undefined;
  constructor(private readonly listing: AsyncGenerator<Keyed>) {}

  /** Drops keys of ids before `id`, then takes those of `id`. */
  async take(id: string): Promise<ListedObject[]> {
    const taken: ListedObject[] = [];
    for (;;) {
      this.head ??= await this.listing.next();
      if (this.head.done || this.head.value.id > id) return taken;
      if (this.head.value.id === id) taken.push(this.head.value.object);
      this.head = undefined;
    }
  }
}

/**
 * Walks the originals in key order, each with its record object and variant objects: three
 * listings merged as they go (they order by the same `{tenant}/{asset}`), so the walk costs one
 * listing request per 1,000 keys and holds one batch in memory, however large the bucket.
 */
export async function* walkOriginals(deps: WorkerDeps, options: WalkOptions): AsyncGenerator<Candidate[]> {
  const { bucket, publicBucket } = deps.config.storage;
  const under = options.tenantId ? `${options.tenantId}/` : '';
  const from = (prefix: string) => (options.after ? `${prefix}${options.after}` : undefined);
  const sidecars = new Ahead(keyed(deps, bucket, `${ASSET_RECORDS_PREFIX}${under}`, SIDECAR_KEY, from(ASSET_RECORDS_PREFIX)));
  const variants = new Ahead(keyed(deps, publicBucket, `${VARIANTS_PREFIX}${under}`, VARIANT_KEY, from(VARIANTS_PREFIX)));
  let batch: Candidate[] = [];
  for await (const { id, object } of keyed(deps, bucket, `${ORIGINALS_PREFIX}${under}`, ORIGINAL_KEY, from(ORIGINALS_PREFIX))) {
    if (options.after && id <= options.after) continue;
    const [tenantId, assetId] = id.split('/') as [string, string];
    batch.push({ tenantId, assetId, original: object, sidecar: (await sidecars.take(id)).length > 0, variants: await variants.take(id) });
    if (batch.length >= options.batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** How many originals the walk will look at (one listing request per 1,000): the progress bar's whole. */
export async function countOriginals(deps: WorkerDeps, options: Pick<WalkOptions, 'tenantId' | 'after'>): Promise<number> {
  const under = options.tenantId ? `${options.tenantId}/` : '';
  const start = options.after ? `${ORIGINALS_PREFIX}${options.after}` : undefined;
  let count = 0;
  for await (const { id } of keyed(deps, deps.config.storage.bucket, `${ORIGINALS_PREFIX}${under}`, ORIGINAL_KEY, start)) {
    if (!options.after || id > options.after) count++;
  }
  return count;
}
