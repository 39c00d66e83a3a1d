import { readFileSync, readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';

/**
 * A process as a name it leaves behind (a usage spool file, a worker's temp directory) spells it.
 * Machines are told apart by the kernel's boot id, containers by their PID namespace, and processes
 * by pid and start time, so a pid used again by a later process is not taken for the one that wrote
 * the name.
 */
export interface ProcessOwner {
  /** The host's name, for whoever reads the directory (the boot id is what tells machines apart). */
  host: string;
  /** The kernel's boot id without its hyphens, or `-` where there is no /proc. */
  boot: string;
  /** The inode of the process's PID namespace, or `-`. */
  pidNs: string;
  pid: number;
  /** When the process started, in clock ticks since boot (field 22 of /proc/<pid>/stat), or `-`. */
  start: string;
}

const UNKNOWN = '-';

function readOr(read: () => string): string {
  try {
    return read();
  } catch {
    return UNKNOWN;
  }
}

/** Field 22 of a /proc/<pid>/stat line, read after the command's closing parenthesis (a command may hold spaces). */
function startOf(stat: string): string {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? UNKNOWN;
}

let self: ProcessOwner | undefined;

/** This process, read once. */
export function thisProcess(): ProcessOwner {
  self ??= {
    host: hostname().replace(/[^A-Za-z0-9.-]/g, '-') || UNKNOWN,
    boot: readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replaceAll('-', '')),
    pidNs: readOr(() => /^pid:\[(\d+)\]$/.exec(readlinkSync('/proc/self/ns/pid'))?.[1] ?? UNKNOWN),
    pid: process.pid,
    start: readOr(() => startOf(readFileSync('/proc/self/stat', 'utf8'))),
  };
  return self;
}

const sameProcess = (a: ProcessOwner, b: ProcessOwner) =>
  a.host === b.host && a.boot === b.boot && a.pidNs === b.pidNs && a.pid === b.pid && a.start === b.start;

/** Whether this process can look the owner up by pid: the same boot of the same machine, the same PID namespace. */
const checkable = (owner: ProcessOwner, me: ProcessOwner) =>
  me.boot !== UNKNOWN && me.pidNs !== UNKNOWN && owner.boot === me.boot && owner.pidNs === me.pidNs && owner.start !== UNKNOWN;

/** True: the owner is gone (its pid is free, or a later process's); false: it runs; null: this process cannot tell. */
async function goneByPid(owner: ProcessOwner): Promise<boolean | null> {
  try {
    return startOf(await readFile(`/proc/${owner.pid}/stat`, 'utf8')) !== owner.start;
  } catch {
    // No entry: the pid is free, unless /proc hides other users' processes (hidepid), which kill(0) tells apart.
    try {
      process.kill(owner.pid, 0);
      return null;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH' ? true : null;
    }
  }
}

/**
 * Whether the owner is gone: true when it is known gone, false while it runs (this process never
 * is), null when this process cannot tell (another machine, another boot, another container).
 */
export async function isOwnerGone(owner: ProcessOwner, me: ProcessOwner = thisProcess()): Promise<boolean | null> {
  if (sameProcess(owner, me)) return false;
  if (!checkable(owner, me) || owner.pid <= 0) return null;
  return goneByPid(owner);
}
