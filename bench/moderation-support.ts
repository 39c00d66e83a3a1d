import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ModerationPolicyPatch } from '@darkroom/core/contract/moderation';
import { assets } from '@darkroom/db/schema';
import { count, eq } from 'drizzle-orm';
import { randomHash, insertDeploymentEntries } from './blocklist.js';
import { freePort, ROOT } from './support.js';
import type { BenchInput } from './worker-inputs.js';
import { finishedJobs, type Rig, waitForFinished } from './worker-rig.js';

const run = promisify(execFile);

/** Every check off: the baseline of each moderation figure. */
export const ALL_OFF: ModerationPolicyPatch = { malware: 'off', blocklist: 'off', classifier: 'off', review: 'none' };
/** The three checks as the issue's goals name them: clamd rejects, the blocklist rejects, the classifier holds at 0.85. */
export const ALL_ON: ModerationPolicyPatch = { malware: 'reject', blocklist: 'reject', classifier: { holdAt: 0.85 }, review: 'none' };
/** The scan alone: what a 10 MB photo's scan costs, and what the clamd restarts test. */
export const MALWARE_ONLY: ModerationPolicyPatch = { ...ALL_OFF, malware: 'reject' };

/** Sets the rig's tenant's policy through the admin route, as an operator would. */
export async function setPolicy(rig: Rig, moderation: ModerationPolicyPatch): Promise<void> {
  const res = await rig.admin.request('PATCH', `/v1/admin/tenants/${rig.tenantId}`, { moderation });
  if (res.status !== 200) throw new Error(`PATCH the tenant's moderation: ${res.status}`);
}

/** `entries` random hashes in the deployment's blocklist (after the rig's start: it empties the tables). */
export async function loadDeploymentBlocklist(rig: Rig, entries: number): Promise<void> {
  await insertDeploymentEntries(
    rig.db,
    Array.from({ length: entries }, () => randomHash()),
  );
}

/** The tenant's assets by status, e.g. `{ ready: 48 }`. */
export async function statusCounts(rig: Rig): Promise<Record<string, number>> {
  const rows = await rig.db
    .select({ status: assets.status, n: count() })
    .from(assets)
    .where(eq(assets.tenantId, rig.tenantId))
    .groupBy(assets.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Fails the part unless every one of the tenant's assets is `ready`: a figure of a run that rejected or held a clean photo measures something else. */
export async function expectAllReady(rig: Rig): Promise<void> {
  const counts = await statusCounts(rig);
  if (Object.keys(counts).some((status) => status !== 'ready')) throw new Error(`assets not all ready: ${JSON.stringify(counts)}`);
}

/** One upload of `input`, timed from its `complete` call to its job's commit; the asset's id beside it. */
export async function completeToFinished(rig: Rig, input: BenchInput): Promise<{ ms: number; assetId: string }> {
  const { asset, parts } = await rig.tenant.upload(new Uint8Array(await readFile(input.path)), {
    filename: 'moderation.jpg',
    contentType: 'image/jpeg',
  });
  const before = await finishedJobs(rig);
  const started = performance.now();
  await rig.tenant.request('POST', `/v1/uploads/${asset.id}/complete`, parts ? { parts } : {});
  await waitForFinished(rig, before + 1);
  return { ms: performance.now() - started, assetId: asset.id };
}

/** A clamd of the bench's own, run by scripts/clamd.sh: its restarts and its load never reach the clamd other tests scan with. */
export interface BenchClamd {
  /** `host:port`, as CLAMD_HOST takes it. */
  host: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

/**
 * scripts/clamd.sh with a directory (CLAMD_DIR) and a port (CLAMD_PORT) of the bench's own: the
 * tests' signature set, written by the script. Killed when the bench exits, however it ends.
 */
export async function startBenchClamd(): Promise<BenchClamd> {
  const dir = await mkdtemp(join(tmpdir(), 'darkroom-bench-clamd-'));
  const port = await freePort();
  const env = { ...process.env, CLAMD_DIR: dir, CLAMD_PORT: String(port) };
  const script = async (command: 'start' | 'stop') => {
    await run('bash', [join(ROOT, 'scripts/clamd.sh'), command], { env });
  };
  const killOnExit = () => {
    try {
      process.kill(Number(readFileSync(join(dir, 'clamd.pid'), 'utf8')));
    } catch {
      // Stopped already.
    }
  };
  // clamd leaves its parent (it daemonises): a bench stopped by a signal stops it too, and exits (which kills the apps).
  const exitOnSignal = (signal: NodeJS.Signals) => {
    killOnExit();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', killOnExit);
  process.once('SIGINT', exitOnSignal);
  process.once('SIGTERM', exitOnSignal);
  await script('start');
  return {
    host: `127.0.0.1:${port}`,
    start: () => script('start'),
    stop: () => script('stop'),
    async close() {
      await script('stop');
      process.off('exit', killOnExit);
      process.off('SIGINT', exitOnSignal);
      process.off('SIGTERM', exitOnSignal);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Stage seconds summed and jobs counted, by stage (bench/worker.ts's stageTotals, or sums of its differences). */
export interface StageSums {
  sums: Map<string, number>;
  counts: Map<string, number>;
}

export const noStages = (): StageSums => ({ sums: new Map(), counts: new Map() });

/** Adds what the worker recorded between two readings (`before`, `after`) to `into`. */
export function addStageDelta(into: StageSums, before: StageSums, after: StageSums): void {
  for (const [field, map] of [
    ['sums', into.sums],
    ['counts', into.counts],
  ] as const) {
    for (const [stage, value] of after[field]) map.set(stage, (map.get(stage) ?? 0) + value - (before[field].get(stage) ?? 0));
  }
}

/** `download 35 + moderate 0 + …` ms: the mean of each of `stages` per job. */
export function stageMeansText(totals: StageSums, stages: readonly string[]): string {
  const mean = (stage: string) => ((totals.sums.get(stage) ?? 0) / (totals.counts.get(stage) || 1)) * 1000;
  return `${stages.map((stage) => `${stage} ${Math.round(mean(stage))}`).join(' + ')} ms`;
}
