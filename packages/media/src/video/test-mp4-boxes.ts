/** A minimal ISO-BMFF (MP4/MOV) box walker for the tests that forge hostile files. */

/** Finds the box at `path` (first match at each level) and lets `edit` change its bytes in place. */
export function patchMp4Box(bytes: Buffer, path: readonly string[], edit: (bytes: Buffer, start: number, size: number) => void): void {
  let start = 0;
  let end = bytes.length;
  let found: { start: number; size: number } | undefined;
  for (const type of path) {
    found = findBox(bytes, type, start, end);
    if (!found) throw new Error(`no ${type} box in ${path.join('/')}`);
    start = found.start + 8;
    end = found.start + found.size;
  }
  if (found) edit(bytes, found.start, found.size);
}

function findBox(bytes: Buffer, type: string, start: number, end: number): { start: number; size: number } | undefined {
  for (let at = start; at + 8 <= end; ) {
    const size = bytes.readUInt32BE(at);
    if (size < 8) return undefined;
    if (bytes.toString('latin1', at + 4, at + 8) === type) return { start: at, size };
    at += size;
  }
  return undefined;
}
