import { mkdtempSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isOwnerGone, thisProcess, type ProcessOwner } from './process-owner.js';

/** What a process's own directory in TMP_DIR is named: `darkroom-<app>_`, then its owner, `_` between fields. */
const ROOT_NAME = /^darkroom-([a-z]+)_(.*)$/;

export interface TempRoot {
  /** Where this process makes its temp directories. */
  dir: string;
  /** Removes it, once nothing of this process uses it. */
  remove(): Promise<void>;
}

/** What the removal of gone processes' roots reports (a pino logger is one). */
export interface TempRootLog {
  info(facts: object, message: string): void;
  warn(facts: object, message: string): void;
}

const rootPrefix = (app: string, owner: ProcessOwner) =>
  `darkroom-${app}_${[owner.host, owner.boot, owner.pidNs, owner.pid, owner.start].join('_')}_`;

/** The owner a root's name spells, or null for a name this module did not write. */
function ownerOf(name: string): ProcessOwner | null {
  const named = ROOT_NAME.exec(name);
  if (!named) return null;
  const [host, boot, pidNs, pid, start, unique] = named[2]!.split('_');
  if (!host || !boot || !pidNs || !start || unique === undefined || !/^\d+$/.test(pid ?? '')) return null;
  return { host, boot, pidNs, pid: Number(pid), start };
}

/**
 * A directory of this process's own in TMP_DIR, named by its app and its process: a worker or a
 * delivery server killed mid-render (SIGKILL, the OOM killer) never removes its copy of an original,
 * which may be gigabytes, so the next of either to start there removes the roots of processes known
 * gone (`removeDeadRoots`).
 */
export function claimTempRoot(tmpDir: string, app: 'worker' | 'delivery'): TempRoot {
  const dir = mkdtempSync(join(tmpDir, rootPrefix(app, thisProcess())));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Removes the roots in `tmpDir` of processes that are gone. A root whose owner cannot be checked from
 * here (another machine or container sharing the volume) is left: it may be a live render's. What
 * fails is logged, never thrown: a process starts whatever another left behind.
 */
export async function removeDeadRoots(tmpDir: string, log: TempRootLog, me: ProcessOwner = thisProcess()): Promise<number> {
  let removed = 0;
  let names: string[];
  try {
    names = await readdir(tmpDir);
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'could not look for the temp files of processes that are gone');
    return 0;
  }
  for (const name of names) {
    const owner = ownerOf(name);
    if (!owner || (await isOwnerGone(owner, me)) !== true) continue;
    try {
      await rm(join(tmpDir, name), { recursive: true, force: true });
      removed++;
    } catch (err) {
      log.warn({ err: (err as Error).message, dir: name }, 'could not remove the temp files of a process that is gone');
    }
  }
  if (removed > 0) log.info({ removed }, 'removed the temp files of processes that are gone');
  return removed;
}

/**
 * What a worker and a delivery server start with: a root of this process's own (`claimTempRoot`),
 * and the roots of processes gone removed meanwhile (`removeDeadRoots`); `remove` waits for that.
 */
export function openTempRoot(tmpDir: string, app: 'worker' | 'delivery', log: TempRootLog): TempRoot {
  const root = claimTempRoot(tmpDir, app);
  const deadRoots = removeDeadRoots(tmpDir, log);
  return { dir: root.dir, remove: () => deadRoots.then(root.remove) };
}
