import { ERRORS } from '@darkroom/core/error-factories';
import { HLS_SEGMENT_SECONDS } from './hls-plan.js';
import type { VideoProbe } from './types.js';

/**
 * A video costs what it declares. Its duration (the header's, or its packets counted when it states
 * none: `probeVideo`) is what VIDEO_MAX_DURATION was checked against, so every ffmpeg that reads an
 * upload stops one segment past it (`readLimitArgs`, `readEndSeconds`), and the probe refuses a file
 * whose packets start past it by more than half a segment (`assertNothingPastDeclared`). A file
 * declaring a minute over hours of cheap sound or picture is refused before anything decodes, where
 * it would have passed the limit and filled storage; what no check sees is never read.
 */

/** The slack of a read that has no segments (a rendition, a poster, a storyboard): a ladder's default segment. */
export const DEFAULT_READ_SLACK_SECONDS = HLS_SEGMENT_SECONDS.default;

/** A number of seconds as ffmpeg reads it, without binary fractions' noise. */
export const ffmpegSeconds = (t: number): string => `${Number(t.toFixed(6))}`;

/** Where reading a video stops, on its timeline from its start: the declared duration and `slackSeconds` (one segment). */
export function readEndSeconds(probe: Pick<VideoProbe, 'durationSeconds'>, slackSeconds: number = DEFAULT_READ_SLACK_SECONDS): number {
  return probe.durationSeconds + slackSeconds;
}

/** `-t` for a read that starts `fromSeconds` in (an input seeked with `-ss`), so that it stops at `readEndSeconds`. */
export function readLimitArgs(probe: Pick<VideoProbe, 'durationSeconds'>, slackSeconds?: number, fromSeconds = 0): string[] {
  return ['-t', ffmpegSeconds(Math.max(0.001, readEndSeconds(probe, slackSeconds) - fromSeconds))];
}

/** The farthest any read goes past the declared duration (a ladder's longest segment): how far the probe reads the file's streams. */
export const MAX_READ_SLACK_SECONDS = HLS_SEGMENT_SECONDS.max;

/** How far past its declared duration a packet may start: half the default segment (a header states at least where its last packet starts). */
export const DECLARED_END_TOLERANCE_SECONDS = DEFAULT_READ_SLACK_SECONDS / 2;

/**
 * Refuses a file holding a packet that starts later than its declared duration and the tolerance,
 * on its own clock from its start (`corrupt_video`, `videoLongerThanDeclared`): its streams run on
 * past its header. The probe looks up to `MAX_READ_SLACK_SECONDS` past that end, the farthest a
 * render reads, so whatever a render could take beyond the tolerance is refused before it starts.
 */
export function assertNothingPastDeclared(latestStartSeconds: number, probe: Pick<VideoProbe, 'durationSeconds'>): void {
  if (latestStartSeconds > probe.durationSeconds + DECLARED_END_TOLERANCE_SECONDS) {
    const round = (t: number) => Math.round(t * 1000) / 1000;
    throw ERRORS.videoLongerThanDeclared(round(probe.durationSeconds), round(latestStartSeconds));
  }
}

/**
 * A ladder joined from pieces, checked against the declared duration before it is published: each
 * piece's read stopped one segment past it, and its last frame may be held one segment more (a
 * sparse file's gap), so a joined ladder longer than that lasts longer than the file said it would,
 * which the probe's own check should have refused; it is refused here too (`corrupt_video`), never
 * published.
 */
export function assertJoinedWithinDeclared(joinedSeconds: number, probe: Pick<VideoProbe, 'durationSeconds'>, segmentSeconds: number): void {
  if (joinedSeconds > readEndSeconds(probe, 2 * segmentSeconds)) {
    const round = (t: number) => Math.round(t * 1000) / 1000;
    throw ERRORS.videoLongerThanDeclared(round(probe.durationSeconds), round(joinedSeconds));
  }
}
