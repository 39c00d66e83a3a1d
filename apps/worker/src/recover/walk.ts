import { ASSET_RECORDS_PREFIX, ORIGINALS_PREFIX, QUARANTINE_PREFIX, VARIANTS_PREFIX } from '@darkroom/core/keys';
import { VISIBILITIES, type Visibility } from '@darkroom/core/private-links';
import { assetObjectLocation, type ListedObject, type ObjectLocation } from '@darkroom/storage';
import type { WorkerDeps } from '../deps.js';
import { UUID } from '../sweeps/orphans.js';

/** A variant object found in one of the places an asset's objects live; its key as Postgres names it. */
export interface PlacedObject extends ListedObject {
  visibility: Visibility;
}

/** An original in the bucket, with what lies beside it: its record object and its variant objects (in either place). */
export interface Candidate {
  tenantId: string;
  assetId: string;
  /** Under `originals/`, or under `quarantine/` (`quarantined`), where the quarantine sweep moved a rejected asset's. */
  original: ListedObject;
  quarantined: boolean;
  /** `records/assets/{tenant}/{asset}.json` exists. */
  sidecar: boolean;
  variants: PlacedObject[];
}

export interface WalkOptions {
  tenantId?: string | undefined;
  /** Start after this asset (`{tenant}/{asset}`, as the progress prints it): a resumed run. */
  after?: string | undefined;
  batchSize: number;
}

const ORIGINAL_KEY = new RegExp(`^${ORIGINALS_PREFIX}(${UUID}/${UUID})$`);
const QUARANTINE_KEY = new RegExp(`^${QUARANTINE_PREFIX}(${UUID}/${UUID})$`);
const SIDECAR_KEY = new RegExp(`^${ASSET_RECORDS_PREFIX}(${UUID}/${UUID})\\.json$`);
const VARIANT_KEY = new RegExp(`^${VARIANTS_PREFIX}(${UUID}/${UUID})/`);

interface Keyed {
  /** `{tenant}/{asset}`: ids have one length, so this orders the listings alike. */
  id: string;
  object: ListedObject;
}

type Listing = (locate: Locate, prefix: string, pattern: RegExp) => AsyncGenerator<Keyed>;

/** Listings of the walk's scope: one tenant's keys or every key, after the asset a resumed run starts after. */
function listingOf(deps: WorkerDeps, options: Pick<WalkOptions, 'tenantId' | 'after'>): Listing {
  const under = options.tenantId ? `${options.tenantId}/` : '';
  return (locate, prefix, pattern) => keyed(deps, locate, `${prefix}${under}`, pattern, options.after ? `${prefix}${options.after}` : undefined);
}

/** Where a listing's keys are: in the originals bucket as they are, or a variant's place (storage's assetObjectLocation). */
type Locate = (key: string) => ObjectLocation;

/**
 * Every key under `prefix` after `startAfter` that `pattern` names, one listing page (1,000 keys) at
 * a time, listed where `locate` keeps them and named as Postgres names them (the place's keys are
 * the same keys under a prefix of their own, so they sort alike).
 */
async function* keyed(deps: WorkerDeps, locate: Locate, prefix: string, pattern: RegExp, startAfter?: string): AsyncGenerator<Keyed> {
  const place = locate(prefix);
  let after = startAfter === undefined ? undefined : locate(startAfter).key;
  for (;;) {
    const page = await deps.storage.listObjectsPage({ bucket: place.bucket, prefix: place.key, startAfter: after, maxKeys: 1000 });
    for (const object of page.objects) {
      const key = `${prefix}${object.key.slice(place.key.length)}`;
      const id = pattern.exec(key)?.[1];
      if (id) yield { id, object: { ...object, key } };
    }
    if (!page.truncated || page.objects.length === 0) return;
    after = page.objects.at(-1)!.key;
  }
}

const inOriginalsBucket =
  (deps: WorkerDeps): Locate =>
  (key) => ({ bucket: deps.config.storage.bucket, key });
const inPlace =
  (deps: WorkerDeps, visibility: Visibility): Locate =>
  (key) =>
    assetObjectLocation(deps.config.storage, visibility, key);

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
 * The originals in place and those in quarantine, as one listing in id order. An id in both is a
 * move cut off between its copy and its delete: the one in place is taken (the sweep, or a
 * restore, finishes the move from it).
 */
async function* originalsAndQuarantined(deps: WorkerDeps, listing: Listing): AsyncGenerator<Keyed & { quarantined: boolean }> {
  const originals = listing(inOriginalsBucket(deps), ORIGINALS_PREFIX, ORIGINAL_KEY);
  const quarantine = listing(inOriginalsBucket(deps), QUARANTINE_PREFIX, QUARANTINE_KEY);
  let original = await originals.next();
  let kept = await quarantine.next();
  while (!original.done || !kept.done) {
    if (!original.done && (kept.done || original.value.id <= kept.value.id)) {
      if (!kept.done && kept.value.id === original.value.id) kept = await quarantine.next();
      yield { ...original.value, quarantined: false };
      original = await originals.next();
    } else if (!kept.done) {
      yield { ...kept.value, quarantined: true };
      kept = await quarantine.next();
    }
  }
}

/**
 * Walks the originals in key order (those in quarantine among them), each with its record object
 * and variant objects (a public asset's place and a private one's): six listings merged as they go
 * (they order by the same `{tenant}/{asset}`), so the walk costs one listing request per 1,000 keys
 * and holds one batch in memory, however large the bucket.
 */
export async function* walkOriginals(deps: WorkerDeps, options: WalkOptions): AsyncGenerator<Candidate[]> {
  const listing = listingOf(deps, options);
  const sidecars = new Ahead(listing(inOriginalsBucket(deps), ASSET_RECORDS_PREFIX, SIDECAR_KEY));
  const variants = VISIBILITIES.map((visibility) => ({
    visibility,
    ahead: new Ahead(listing(inPlace(deps, visibility), VARIANTS_PREFIX, VARIANT_KEY)),
  }));
  let batch: Candidate[] = [];
  for await (const { id, object, quarantined } of originalsAndQuarantined(deps, listing)) {
    if (options.after && id <= options.after) continue;
    const [tenantId, assetId] = id.split('/') as [string, string];
    const placed: PlacedObject[] = [];
    for (const { visibility, ahead } of variants) placed.push(...(await ahead.take(id)).map((o) => ({ ...o, visibility })));
    batch.push({ tenantId, assetId, original: object, quarantined, sidecar: (await sidecars.take(id)).length > 0, variants: placed });
    if (batch.length >= options.batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** How many originals the walk will look at (one listing request per 1,000): the progress bar's whole. */
export async function countOriginals(deps: WorkerDeps, options: Pick<WalkOptions, 'tenantId' | 'after'>): Promise<number> {
  let count = 0;
  for await (const { id } of originalsAndQuarantined(deps, listingOf(deps, options))) {
    if (!options.after || id > options.after) count++;
  }
  return count;
}
