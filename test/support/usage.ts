import { join } from 'node:path';
import type { Asset } from '@darkroom/client';
import { videoSecondsMeter } from '@darkroom/core/contract/usage';
import type { Database } from '@darkroom/db/client';
import { sql } from 'drizzle-orm';
import { fetchLadder, saveRung } from './hls.js';
import { downloadRendition, ffprobeJson } from './video.js';

/** One row of `usage_events`, as the tests compare them. */
export interface MeterEvent {
  meter: string;
  amount: number;
  source: string;
}

/** A tenant's events whose source starts with `prefix`, in order of source and meter (read directly: the rollup is another part's). */
export async function eventsOf(db: Database, tenantId: string, prefix: string): Promise<MeterEvent[]> {
  const rows = await db.execute<{ meter: string; amount: string; source: string }>(
    sql`select meter, amount::text as amount, source from usage_events where tenant_id = ${tenantId} and starts_with(source, ${prefix}) order by source, meter`,
  );
  return rows.map((r) => ({ meter: r.meter, amount: Number(r.amount), source: r.source }));
}

export const bySource = (a: MeterEvent, b: MeterEvent) => a.source.localeCompare(b.source) || a.meter.localeCompare(b.meter);
export const toMs = (seconds: string | undefined) => Math.round(Number(seconds) * 1000) / 1000;

/** The duration ffprobe reads of the rendition at `url`, to the millisecond. */
export async function probedSeconds(url: string): Promise<number> {
  return toMs((await downloadRendition(url)).probe.format.duration);
}

/**
 * What a ready video's render should have counted, measured independently: each MP4/WebM
 * rendition's seconds as ffprobe reads the stored file (by source), and each HLS rung's as ffprobe
 * reads its playlist (meter and amount: a rung's index is the ladder's order, not the master's).
 */
export async function expectedVideoSeconds(asset: Asset, jobId: string) {
  const renditions: MeterEvent[] = [];
  for (const v of asset.variants.filter((v) => v.format === 'mp4' || v.format === 'webm')) {
    renditions.push({ meter: videoSecondsMeter(v.height!), amount: await probedSeconds(v.url), source: `video:${jobId}:${v.name}` });
  }
  const rungs: Omit<MeterEvent, 'source'>[] = [];
  for (const ladder of asset.variants.filter((v) => v.format === 'hls')) {
    for (const rung of (await fetchLadder(ladder.url)).rungs) {
      const saved = await saveRung(rung);
      const height = Number(rung.attributes.RESOLUTION!.split('x')[1]);
      rungs.push({ meter: videoSecondsMeter(height), amount: toMs((await ffprobeJson(join(saved.dir, saved.playlist))).format.duration) });
    }
  }
  return { renditions: renditions.sort(bySource), rungs: rungs.sort(byAmount) };
}

const byAmount = (a: Omit<MeterEvent, 'source'>, b: Omit<MeterEvent, 'source'>) => a.meter.localeCompare(b.meter) || a.amount - b.amount;

/** A job's `video:` events as `expectedVideoSeconds` gives them: renditions by source, rungs (`<ladder>/<n>`) by meter and amount. */
export async function countedVideoSeconds(db: Database, tenantId: string, jobId: string) {
  const video = await eventsOf(db, tenantId, `video:${jobId}:`);
  const isRung = (e: MeterEvent) => e.source.slice(`video:${jobId}:`.length).includes('/');
  return {
    renditions: video.filter((e) => !isRung(e)),
    rungs: video
      .filter(isRung)
      .map(({ meter, amount }) => ({ meter, amount }))
      .sort(byAmount),
  };
}
