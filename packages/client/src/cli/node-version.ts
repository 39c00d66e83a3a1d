/**
 * The oldest Node the client runs on (package.json's engines). Imported first by the command's entry,
 * so it imports nothing and uses nothing an older Node lacks.
 */
export const MIN_NODE_MAJOR = 22;

/** The one line that refuses an older Node, naming the fix; null when this one will do. */
export function nodeTooOld(version: string): string | null {
  const major = Number(version.split('.')[0]);
  if (major >= MIN_NODE_MAJOR) return null;
  return (
    `darkroom import: Node ${version} is older than ${MIN_NODE_MAJOR}: run it on Node ${MIN_NODE_MAJOR} or newer ` +
    '(in the Darkroom repository, `. scripts/node.sh` puts its pinned Node 24 first on PATH)'
  );
}
