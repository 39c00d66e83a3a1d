import { videoSecondsMeter } from '@darkroom/core/contract/usage';
import { AUDIO_FORMATS, RENDITION_FORMATS } from '@darkroom/core/presets';
import type { UsageEvent } from '@darkroom/db/queries/usage';
import type { VariantRecord } from '@darkroom/db/queries/variants';

/**
 * A variant as a render stored it. An HLS ladder's row keeps its top rung's duration alone; the
 * meters need each rung's, as a player (and ffprobe) reads its playlist, so the ladder's record
 * carries them to the transaction that records the render (they are not stored in the row).
 */
export interface StoredVariant extends VariantRecord {
  rungSeconds?: readonly number[] | undefined;
}

const isIn = (list: readonly string[], format: string) => list.includes(format);
/** Seconds as `usage_events.amount` keeps them (numeric(24,3)), and as ffprobe's duration rounds to. */
const toMs = (seconds: number) => Math.round(seconds * 1000) / 1000;

/**
 * What one job's render adds to the meters, from the variants it stored, in the transaction that
 * records them (a retry that commits once counts once; a backfill's job is a new render):
 * - `image_renders`: each image variant (an image's, a video's poster's, audio's cover art's) and
 *   each storyboard (its sprite is an image Darkroom encoded);
 * - `video_seconds_*`: each MP4/WebM rendition and each rung of an HLS ladder, by its height, its
 *   seconds as stored (a rendition remuxed from a rung is a rendition stored, counted too);
 * - `audio_seconds`: each audio rendition. A waveform is a measurement, not an encoded output, and
 *   the sound inside a video's renditions is part of that video's seconds: neither counts.
 */
export function renderUsage(job: { jobId: string; tenantId: string }, variants: readonly StoredVariant[]): UsageEvent[] {
  const { jobId, tenantId } = job;
  return variants.flatMap((v): UsageEvent[] => {
    if (v.kind === 'image' || v.format === 'storyboard') {
      return [{ tenantId, meter: 'image_renders', amount: 1, source: `render:${jobId}:${v.name}` }];
    }
    if (v.format === 'hls') {
      return (v.renditions ?? []).map((rung, i) => ({
        tenantId,
        meter: videoSecondsMeter(rung.height),
        amount: toMs(v.rungSeconds?.[i] ?? v.duration ?? 0),
        source: `video:${jobId}:${v.name}/${i}`,
      }));
    }
    if (isIn(RENDITION_FORMATS, v.format)) {
      return [{ tenantId, meter: videoSecondsMeter(v.height), amount: toMs(v.duration ?? 0), source: `video:${jobId}:${v.name}` }];
    }
    if (isIn(AUDIO_FORMATS, v.format)) {
      return [{ tenantId, meter: 'audio_seconds', amount: toMs(v.duration ?? 0), source: `audio:${jobId}:${v.name}` }];
    }
    return [];
  });
}
