import { rm } from 'node:fs/promises';
import { rungTimeline } from '../packages/media/src/video/test-hls-timeline.js';
import { fetchLadder, saveRung } from '../test/support/hls.js';

export interface LadderSync {
  rungs: number;
  /** The largest distance, over the rungs, between the end of the audio and the end of the video, in the rung's frames. */
  driftFrames: number;
  /** The largest gap or overlap between one segment's last frame and the next one's first, in frames. */
  seamFrames: number;
}

/**
 * A ready ladder fetched as a player would, from its master playlist: for every rung, how far its
 * audio ends from its video and how well its segments meet, read by ffprobe over the rung's
 * segments joined (the tests' own reader, test-hls-timeline.ts).
 */
export async function ladderSync(masterUrl: string): Promise<LadderSync> {
  const { rungs } = await fetchLadder(masterUrl);
  const sync: LadderSync = { rungs: rungs.length, driftFrames: 0, seamFrames: 0 };
  for (const rung of rungs) {
    const saved = await saveRung(rung);
    try {
      const timeline = await rungTimeline(saved.dir, saved.playlist);
      const frames = (seconds: number) => Math.abs(seconds) / timeline.frame;
      if (timeline.audioEnd !== null) sync.driftFrames = Math.max(sync.driftFrames, frames(timeline.audioEnd - timeline.videoEnd));
      for (const [i, segment] of timeline.segments.entries()) {
        if (i > 0) sync.seamFrames = Math.max(sync.seamFrames, frames(segment.videoStart - timeline.segments[i - 1]!.videoEnd));
      }
    } finally {
      await rm(saved.dir, { recursive: true, force: true });
    }
  }
  return sync;
}
