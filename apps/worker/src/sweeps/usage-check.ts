import { objectOwner } from '@darkroom/core/keys';
import { billedBytesByTenant } from '@darkroom/db/queries/usage';
import type { WorkerDeps } from '../deps.js';
import { runEvery, type RunningPasses } from '../run-every.js';

/** One tenant's billed bytes as the buckets list them and as the ledger (`stored_objects`) holds them. */
export interface StoredDrift {
  tenantId: string;
  listed: number;
  ledger: number;
}

type CheckDeps = Pick<WorkerDeps, 'db' | 'storage' | 'config' | 'log' | 'metrics'>;

/** Billed bytes by tenant under `prefixes` in each of the deployment's buckets (one, in single-bucket mode). */
async function listedBytes(deps: CheckDeps, prefixes: readonly string[]): Promise<Map<string, number>> {
  const { bucket, publicBucket } = deps.config.storage;
  const bytes = new Map<string, number>();
  for (const name of new Set([bucket, publicBucket])) {
    for (const prefix of prefixes) {
      for await (const object of deps.storage.listObjects({ bucket: name, prefix })) {
        const owner = objectOwner(object.key);
        if (owner.billed && owner.tenantId) bytes.set(owner.tenantId, (bytes.get(owner.tenantId) ?? 0) + object.size);
      }
    }
  }
  return bytes;
}

/**
 * The nightly check (docs/operations.md#usage): each tenant's billed bytes by a LIST of the buckets
 * against the storage ledger. A difference is reported (the gauge `darkroom_usage_stored_drift_bytes`,
 * the sum of every tenant's, and one log line per tenant), never corrected: the ledger is what bills,
 * and a drift is for someone to explain. `tenantId` narrows it to one tenant's keys (tests).
 * Objects being written or deleted while it lists may show as a drift of one night.
 */
export async function checkStoredUsage(deps: CheckDeps, options: { tenantId?: string } = {}): Promise<StoredDrift[]> {
  const { tenantId } = options;
  // Whole buckets, or one tenant's keys under each billed prefix.
  const listed = await listedBytes(deps, tenantId === undefined ? [''] : tenantPrefixes(tenantId));
  const ledger = await billedBytesByTenant(deps.db, { tenantId });
  const drifts: StoredDrift[] = [];
  for (const id of new Set([...listed.keys(), ...ledger.keys()])) {
    const drift = { tenantId: id, listed: listed.get(id) ?? 0, ledger: ledger.get(id) ?? 0 };
    if (drift.listed !== drift.ledger) drifts.push(drift);
  }
  for (const drift of drifts) deps.log.warn({ ...drift, drift: drift.listed - drift.ledger }, 'stored bytes differ from the storage ledger');
  if (tenantId === undefined) deps.metrics.usageStoredDrift.set(drifts.reduce((sum, d) => sum + Math.abs(d.listed - d.ledger), 0));
  return drifts;
}

/** The billed prefixes of one tenant's keys, public and private. */
function tenantPrefixes(tenantId: string): string[] {
  const billed = ['originals/', 'variants/', 'delivery/', 'quarantine/'];
  return ['', 'private/'].flatMap((root) => billed.map((prefix) => `${root}${prefix}${tenantId}/`));
}

const CHECK_POLL_MS = 10 * 60_000;

/**
 * Runs the check once a day in the hour USAGE_CHECK_HOUR (UTC), in whichever worker claims the day
 * first (`claim`: a key in Redis): a LIST of the buckets is not free, and one check says it all.
 */
export function startUsageCheck(deps: CheckDeps, claim: (day: string) => Promise<boolean>): RunningPasses | null {
  const hour = deps.config.usage.checkHour;
  if (hour === null || !deps.config.usage.metering) return null;
  return runEvery(deps, { intervalMs: CHECK_POLL_MS, name: 'usage check' }, async () => {
    const now = new Date();
    if (now.getUTCHours() !== hour) return;
    if (!(await claim(now.toISOString().slice(0, 10)))) return;
    const drifts = await checkStoredUsage(deps);
    deps.log.info({ tenants: drifts.length }, 'usage check done');
  });
}
