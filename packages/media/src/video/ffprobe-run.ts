import type { FailureCodes } from './errors.js';
import { FFPROBE } from './ffmpeg.js';
import { runProcess, type RunResult } from './run-process.js';

/** ffprobe's JSON for a real file is a few KB; a file claiming thousands of streams must not fill memory. */
export const MAX_PROBE_OUTPUT_BYTES = 1024 * 1024;

/** Runs ffprobe with its output capped; a timeout or an overflow is refused with the caller's codes (video's or audio's). */
export async function runFfprobe(args: string[], timeoutMs: number, signal: AbortSignal | undefined, codes: FailureCodes): Promise<RunResult> {
  const result = await runProcess(FFPROBE, args, { timeoutMs, signal, maxStdoutBytes: MAX_PROBE_OUTPUT_BYTES });
  if (result.timedOut) throw codes.timeout(timeoutMs, `ffprobe timed out. ${result.stderrTail}`);
  if (result.overflowed) throw codes.corrupt(`ffprobe printed more than ${MAX_PROBE_OUTPUT_BYTES} bytes`);
  return result;
}

/** ffprobe's JSON output, or the caller's `corrupt` refusal when it printed none. */
export function parseFfprobeJson<T>(result: RunResult, codes: FailureCodes): T {
  try {
    const parsed: unknown = JSON.parse(result.stdout.toString('utf8'));
    if (parsed && typeof parsed === 'object') return parsed as T;
  } catch {
    // falls through to the refusal below
  }
  throw codes.corrupt(`ffprobe printed no JSON. ${result.stderrTail}`);
}
