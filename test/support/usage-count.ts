import type { Asset } from '@darkroom/client';
import { BUCKET_CLASS_METER, type BucketClass, isLevelMeter, type Meter, videoSecondsMeter } from '@darkroom/core/contract/usage';
import { DELIVERY_PREFIX, objectOwner, ORIGINALS_PREFIX, PRIVATE_OBJECTS_PREFIX, QUARANTINE_PREFIX, VARIANTS_PREFIX } from '@darkroom/core/keys';
import type { Database } from '@darkroom/db/client';
import type { ObjectStorage, StorageConfig } from '@darkroom/storage';
import { sql } from 'drizzle-orm';
import type { ClassCounts } from './counting-proxy.js';
import { fetchLadder, saveRung } from './hls.js';
import { downloadRendition, ffprobeJson } from './video.js';

/** A meter's figure per tenant, as Darkroom metered it or as counted independently. */
export type MeterValues = Partial<Record<Meter, number>>;

const BILLED = [ORIGINALS_PREFIX, VARIANTS_PREFIX, DELIVERY_PREFIX, QUARANTINE_PREFIX];

/**
 * The bytes a tenant's billed objects hold, from a LIST of both buckets under every billed prefix
 * (and its private twin): what `stored_bytes` must equal once the orphans are gone.
 */
export async function listedBilledBytes(storage: ObjectStorage, config: StorageConfig, tenantId: string): Promise<number> {
  let bytes = 0;
  const prefixes = BILLED.flatMap((p) => [`${p}${tenantId}`, `${PRIVATE_OBJECTS_PREFIX}${p}${tenantId}`]);
  for (const bucket of new Set([config.bucket, config.publicBucket])) {
    for (const prefix of prefixes) {
      for await (const object of storage.listObjects({ bucket, prefix })) {
        const owner = objectOwner(object.key);
        if (owner.billed && owner.tenantId === tenantId) bytes += object.size;
      }
    }
  }
  return bytes;
}

/** ffprobe's length of a file or a playlist, in seconds, to the millisecond. */
const probedSeconds = async (path: string) => Math.round(Number((await ffprobeJson(path)).format.duration) * 1000) / 1000;

/**
 * The seconds of video each rendition of a ready video holds, by the meter its height falls in: each
 * MP4/WebM rendition downloaded and probed, each HLS rung's playlist and segments fetched and the
 * playlist probed (ffprobe's length of a rung is its segments' sum). A storyboard is a picture, not video.
 */
export async function renditionSeconds(asset: Asset): Promise<MeterValues> {
  const seconds: MeterValues = {};
  const add = (height: number, value: number) => {
    const meter = videoSecondsMeter(height);
    seconds[meter] = Math.round(((seconds[meter] ?? 0) + value) * 1000) / 1000;
  };
  for (const variant of asset.variants) {
    if (variant.kind !== 'video' || !variant.url) continue;
    if (variant.format === 'hls') {
      for (const rung of (await fetchLadder(variant.url)).rungs) {
        const { dir, playlist } = await saveRung(rung);
        add(Number(rung.attributes.RESOLUTION!.split('x')[1]), await probedSeconds(`${dir}/${playlist}`));
      }
    } else if (variant.format !== 'storyboard') {
      const { path } = await downloadRendition(variant.url);
      add(variant.height, await probedSeconds(path));
    }
  }
  return seconds;
}

/**
 * The image variants a ready asset has, each one `image_renders`: an image's, a video's poster sizes
 * and its storyboard (a sprite of frames: a picture encoded, though its kind is the video's).
 */
export const imageRenders = (asset: Asset) => asset.variants.filter((v) => v.kind === 'image' || v.format === 'storyboard').length;

/** Adds `more` into `into`, meter by meter. */
export function addValues(into: MeterValues, more: MeterValues): MeterValues {
  for (const [meter, value] of Object.entries(more) as [Meter, number][]) into[meter] = (into[meter] ?? 0) + value;
  return into;
}

const rows = async <T>(db: Database, query: ReturnType<typeof sql>) => [...(await db.execute<T & Record<string, unknown>>(query))] as T[];

/**
 * What the meters show for a tenant after the rollup: each counted meter summed over its hourly
 * rows, and `stored_bytes` the level of its latest hour (the current one, as of the rollup).
 */
export async function meteredHourly(db: Database, tenantId: string): Promise<MeterValues> {
  const values: MeterValues = {};
  const sums = await rows<{ meter: Meter; value: string }>(
    db,
    sql`select meter, sum(value)::text as value from usage_hourly where tenant_id = ${tenantId} group by meter`,
  );
  for (const { meter, value } of sums) if (!isLevelMeter(meter)) values[meter] = Number(value);
  const [level] = await rows<{ value: string }>(
    db,
    sql`select value::text as value from usage_hourly where tenant_id = ${tenantId} and meter = 'stored_bytes' order by hour desc limit 1`,
  );
  if (level) values.stored_bytes = Number(level.value);
  return values;
}

/** The counted meters' events as appended (before any rollup), summed: for a tenant, or the deployment's (null). */
export async function meteredEvents(db: Database, tenantId: string | null): Promise<MeterValues> {
  const owner = tenantId === null ? sql`tenant_id is null` : sql`tenant_id = ${tenantId}`;
  const sums = await rows<{ meter: Meter; value: string }>(
    db,
    sql`select meter, sum(amount)::text as value from usage_events where ${owner} group by meter`,
  );
  return Object.fromEntries(sums.filter((s) => !isLevelMeter(s.meter)).map((s) => [s.meter, Number(s.value)]));
}

/** How many events of a meter a tenant has: one per cause, whatever was retried. */
export async function eventCount(db: Database, tenantId: string, meter: Meter): Promise<number> {
  const [row] = await rows<{ n: number }>(db, sql`select count(*)::int as n from usage_events where tenant_id = ${tenantId} and meter = ${meter}`);
  return row!.n;
}

export const CLASSES: readonly BucketClass[] = ['a', 'b', 'c'];
/** A tenant's bucket meters as the proxy's class counts. */
export const meteredClasses = (values: MeterValues): ClassCounts => ({
  a: values[BUCKET_CLASS_METER.a] ?? 0,
  b: values[BUCKET_CLASS_METER.b] ?? 0,
  c: values[BUCKET_CLASS_METER.c] ?? 0,
});

/** metered ÷ counted, printed to four places (1 when both are 0). */
export const ratioOf = (metered: number, counted: number) => (counted === 0 ? (metered === 0 ? 1 : Number.POSITIVE_INFINITY) : metered / counted);

/** One line of the comparison table the test prints. */
export const comparisonLine = (who: string, what: string, metered: number, counted: number) =>
  `${who.padEnd(38)} ${what.padEnd(22)} metered ${String(metered).padStart(10)}  counted ${String(counted).padStart(10)}  ratio ${ratioOf(metered, counted).toFixed(4)}`;
