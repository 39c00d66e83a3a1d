import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The oldest Node Darkroom runs on is written once, as package.json's `engines` (`>=N`, which npm also
 * reads); this reads it back at boot. Every command's entry file checks it first and only then imports
 * the rest with `import()`: a static import graph is loaded and linked before any of it runs, so on an
 * older Node a missing builtin would fail there, before a check inside it could speak. So this module
 * uses nothing an old Node lacks and imports nothing but builtins (the client vendors it as it is).
 */

/** Exit status of a refused start: the import command's "wrong arguments or settings" (docs/integration.md). */
export const UNSUPPORTED_NODE_EXIT = 2;

/** The `>=N` of the nearest package.json above this file that declares `engines.node`. */
export function nodeFloor(from: string = dirname(fileURLToPath(import.meta.url))): number {
  for (let dir = from; ; dir = dirname(dir)) {
    const floor = enginesFloor(join(dir, 'package.json'));
    if (floor !== null) return floor;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from} says engines.node (">=N")`);
  }
}

function enginesFloor(manifest: string): number | null {
  let text: string;
  try {
    text = readFileSync(manifest, 'utf8');
  } catch {
    return null;
  }
  const engine = (JSON.parse(text) as { engines?: { node?: unknown } }).engines?.node;
  if (engine === undefined) return null;
  const floor = typeof engine === 'string' ? /^>=(\d+)$/.exec(engine.trim()) : null;
  if (!floor) throw new Error(`${manifest}: engines.node must read ">=N", not ${JSON.stringify(engine)}`);
  return Number(floor[1]);
}

/** The one line that refuses Node `found` for `command`, naming the fix; null when it is new enough. */
export function unsupportedNodeLine(command: string, found: string, floor: number): string | null {
  if (Number(found.split('.')[0]) >= floor) return null;
  return (
    `${command}: found Node ${found}, needs Node ${floor} or newer: ` +
    '`. scripts/node.sh` (in the Darkroom repository) puts its pinned Node first on PATH'
  );
}

/**
 * A command's first step: true when this Node will do; otherwise writes the one line on stderr, sets a
 * failing exit status and returns false, so the entry imports nothing more and the process ends.
 */
export function onSupportedNode(command: string): boolean {
  const refusal = unsupportedNodeLine(command, process.versions.node, nodeFloor());
  if (refusal === null) return true;
  process.stderr.write(`${refusal}\n`);
  process.exitCode = UNSUPPORTED_NODE_EXIT;
  return false;
}
