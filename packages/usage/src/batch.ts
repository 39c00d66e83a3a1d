import { METERS, isLevelMeter, type CountedMeter } from '@darkroom/core/contract/usage';
import type { UsageEvent } from '@darkroom/db/queries/usage';

export const COUNTED = METERS.filter((meter): meter is CountedMeter => !isLevelMeter(meter));
/** Each counted meter's place in a tenant's row of sums. */
export const METER_INDEX = Object.fromEntries(COUNTED.map((meter, index) => [meter, index])) as Record<CountedMeter, number>;
export const HOUR_MS = 3_600_000;

/** One hour's sums: a row of every counted meter per tenant (null: the deployment). */
export type HourSums = Map<string | null, Float64Array>;
/** A batch's sums by the start of their hour (ms). */
export type BatchSums = Map<number, HourSums>;

/** A batch's key: `flush:<process>:<sequence>` (docs/operations.md#usage). */
export const batchKeyOf = (processId: string, sequence: number): string => `flush:${processId}:${sequence}`;

/** The row of sums of a tenant in an hour, made on first use. */
export function rowOf(batch: BatchSums, hour: number, tenantId: string | null): Float64Array {
  let sums = batch.get(hour);
  if (!sums) {
    sums = new Map();
    batch.set(hour, sums);
  }
  let row = sums.get(tenantId);
  if (!row) {
    row = new Float64Array(COUNTED.length);
    sums.set(tenantId, row);
  }
  return row;
}

/**
 * One batch's events: a row per tenant, hour and meter with anything counted. Each event's source
 * is the batch's key with its tenant and hour, unique per meter (`usage_events`' key is
 * `(source, meter)`), so a batch written twice counts once, whoever writes it (its process, or
 * another replaying its spool file).
 */
export function batchEvents(batch: BatchSums, batchKey: string): UsageEvent[] {
  const events: UsageEvent[] = [];
  for (const [hour, tenants] of batch) {
    const at = new Date(hour);
    for (const [tenantId, sums] of tenants) {
      const source = `${batchKey}:${tenantId ?? 'deployment'}:${at.toISOString()}`;
      COUNTED.forEach((meter, index) => {
        if (sums[index] !== 0) events.push({ tenantId, meter, amount: sums[index]!, source, at });
      });
    }
  }
  return events;
}
