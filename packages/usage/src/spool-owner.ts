import { isOwnerGone, thisProcess, type ProcessOwner } from '@darkroom/core/process-owner';

/** The process a spool file belongs to, as its name spells it (core's process-owner.ts). */
export type SpoolOwner = ProcessOwner;
export { thisProcess };

/**
 * How long a spool file whose owner cannot be checked (another machine on a shared volume, another
 * boot, another container) must stay unchanged before it is replayed. A live process replaces its
 * file every few seconds while it counts; one unchanged this long is a dead process's, or a live
 * one's batch that Postgres refused all that time, which counts once whoever writes it.
 */
export const UNCHECKED_OWNER_AGE_MS = 3_600_000;

/**
 * Whether a spool file of this owner, last changed at `modifiedMs`, is to be replayed now: its
 * owner is known gone, or cannot be checked from here and the file has been left alone for
 * UNCHECKED_OWNER_AGE_MS. Never this process's own files.
 */
export async function isReplayable(owner: SpoolOwner, modifiedMs: number, now: number, me: SpoolOwner = thisProcess()): Promise<boolean> {
  const gone = await isOwnerGone(owner, me);
  if (gone !== null) return gone;
  return now - modifiedMs >= UNCHECKED_OWNER_AGE_MS;
}
