/** Longest line kept while waiting for its end; ffmpeg's and ffprobe's lines are far shorter. */
const MAX_LINE = 4096;

/** Turns a stream of chunks into whole lines, whatever the chunk boundaries; returns the chunk handler. */
// biome-ignore lint/suspicious/noConfusingVoidType: a line callback returns nothing to go on, or false to stop.
export function lineReader(onLine: (line: string) => boolean | void): (chunk: Buffer | string) => boolean {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    if (pending.length > MAX_LINE) pending = '';
    for (const line of lines) if (onLine(line) === false) return false;
    return true;
  };
}
