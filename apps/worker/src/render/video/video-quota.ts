import { ERRORS } from '@darkroom/core/error-factories';
import { isHlsSpec, isRenditionSpec, type VariantSpec } from '@darkroom/core/presets';
import { readQuotaOf } from '@darkroom/db/queries/usage';
import { planHlsLadder, type VideoProbe } from '@darkroom/media';
import type { RenderContext } from '../context.js';

/**
 * Seconds of video output a render will encode: the video's duration once per rung of each HLS
 * ladder (the rungs `planHlsLadder` plans for this source) and once per rendition (to its
 * `maxDuration`), rounded up to the second. A rendition a
 * ladder's rung already holds is remuxed, not encoded, but counted all the same: the check errs
 * towards refusing early rather than past the quota. Storyboards (stills) and audio count nothing.
 */
export function outputSeconds(probe: Pick<VideoProbe, 'width' | 'height' | 'durationSeconds'>, specs: readonly VariantSpec[]): number {
  const duration = probe.durationSeconds;
  const seconds = specs.reduce((sum, spec) => {
    if (isHlsSpec(spec)) return sum + duration * planHlsLadder(spec, probe).length;
    // A rendition with maxDuration is cut there.
    return isRenditionSpec(spec) ? sum + Math.min(duration, spec.maxDuration ?? duration) : sum;
  }, 0);
  return Math.ceil(seconds);
}

/**
 * After the probe, before any transcode: a video whose output would pass the tenant's
 * `videoSecondsPerMonth` fails with `quota_exceeded`, at once and for good (classify-error.ts), as
 * `video_too_long` does. Nothing is reserved: what it encodes counts when it is recorded.
 */
export async function assertVideoQuota(ctx: RenderContext, probe: VideoProbe, specs: readonly VariantSpec[]): Promise<void> {
  if (!ctx.deps.config.usage.metering) return;
  const quota = await readQuotaOf(ctx.deps.db, ctx.asset.tenantId, 'videoSecondsPerMonth');
  if (!quota) return;
  const seconds = outputSeconds(probe, specs);
  if (quota.used + seconds > quota.limit) throw ERRORS.videoQuotaExceeded(seconds, quota.limit, quota.used);
}
