import { mkdtempSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isOwnerGone, thisProcess, type ProcessOwner } from '@darkroom/core/process-owner';
import type { Logger } from 'pino';

/** What starts the name of each worker's own directory in TMP_DIR; its owner follows, `_` between fields. */
const ROOT_PREFIX = 'darkroom-worker_';

export interface TempRoot {
  /** Where this worker's jobs make their temp directories. */
  dir: string;
  /** Removes it, once no job of this worker is in hand. */
  remove(): Promise<void>;
}

const rootPrefix = (owner: ProcessOwner) => `${ROOT_PREFIX}${[owner.host, owner.boot, owner.pidNs, owner.pid, owner.start].join('_')}_`;

/** The owner a root's name spells, or null for a name this module did not write. */
function ownerOf(name: string): ProcessOwner | null {
  if (!name.startsWith(ROOT_PREFIX)) return null;
  const [host, boot, pidNs, pid, start, unique] = name.slice(ROOT_PREFIX.length).split('_');
  if (!host || !boot || !pidNs || !start || unique === undefined || !/^\d+$/.test(pid ?? '')) return null;
  return { host, boot, pidNs, pid: Number(pid), start };
}

/**
 * A directory of this worker's own in TMP_DIR, named by its process: a worker killed mid-job
 * (SIGKILL, the OOM killer, a lost machine) never removes its copy of an original, which may be
 * gigabytes, so the next worker to start there removes the roots of processes known gone
 * (`removeDeadRoots`).
 */
export function claimTempRoot(tmpDir: string): TempRoot {
  const dir = mkdtempSync(join(tmpDir, rootPrefix(thisProcess())));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Removes the roots in `tmpDir` of workers that are gone. A root whose owner cannot be checked from
 * here (another machine or container sharing the volume) is left: it may be a live render's.
 */
export async function removeDeadRoots(tmpDir: string, log: Logger, me: ProcessOwner = thisProcess()): Promise<number> {
  let removed = 0;
  for (const name of await readdir(tmpDir)) {
    const owner = ownerOf(name);
    if (!owner || (await isOwnerGone(owner, me)) !== true) continue;
    try {
      await rm(join(tmpDir, name), { recursive: true, force: true });
      removed++;
    } catch (err) {
      log.warn({ err: (err as Error).message, dir: name }, 'could not remove a gone worker’s temp files');
    }
  }
  if (removed > 0) log.info({ removed }, 'removed the temp files of workers that are gone');
  return removed;
}
