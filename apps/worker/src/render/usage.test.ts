import { describe, expect, it } from 'vitest';
import { renderUsage, type StoredVariant } from './usage.js';

const job = { jobId: 'j1', tenantId: 't1' };
const variant = (v: Partial<StoredVariant> & Pick<StoredVariant, 'name' | 'kind' | 'format'>): StoredVariant => ({
  width: 0,
  height: 0,
  duration: null,
  size: 1,
  key: `k/${v.name}`,
  specHash: 'h',
  ...v,
});

describe('renderUsage', () => {
  it('counts each image variant and storyboard as a render, each rendition and rung by its height, each audio rendition', () => {
    const events = renderUsage(job, [
      variant({ name: 'thumb', kind: 'image', format: 'webp' }),
      variant({ name: 'storyboard', kind: 'video', format: 'storyboard', duration: 5 }),
      variant({ name: '720p', kind: 'video', format: 'mp4', width: 1280, height: 720, duration: 5.0123 }),
      variant({
        name: 'stream',
        kind: 'video',
        format: 'hls',
        height: 2160,
        duration: 5,
        renditions: [2160, 1080, 480].map((height) => ({ width: height, height, bandwidth: 1 })),
        rungSeconds: [5.00049, 5.0005, 4.9],
      }),
      variant({ name: 'podcast', kind: 'audio', format: 'm4a', duration: 3.021 }),
      variant({ name: 'waveform', kind: 'audio', format: 'waveform', duration: 3 }),
    ]);
    expect(events).toEqual([
      { tenantId: 't1', meter: 'image_renders', amount: 1, source: 'render:j1:thumb' },
      { tenantId: 't1', meter: 'image_renders', amount: 1, source: 'render:j1:storyboard' },
      { tenantId: 't1', meter: 'video_seconds_hd', amount: 5.012, source: 'video:j1:720p' },
      { tenantId: 't1', meter: 'video_seconds_uhd', amount: 5, source: 'video:j1:stream/0' },
      { tenantId: 't1', meter: 'video_seconds_hd', amount: 5.001, source: 'video:j1:stream/1' },
      { tenantId: 't1', meter: 'video_seconds_sd', amount: 4.9, source: 'video:j1:stream/2' },
      { tenantId: 't1', meter: 'audio_seconds', amount: 3.021, source: 'audio:j1:podcast' },
    ]);
  });

  it("takes a ladder's own duration for rungs whose seconds it was not given", () => {
    const ladder = variant({ name: 's', kind: 'video', format: 'hls', duration: 7.5, renditions: [{ width: 320, height: 240, bandwidth: 1 }] });
    expect(renderUsage(job, [ladder])).toEqual([{ tenantId: 't1', meter: 'video_seconds_sd', amount: 7.5, source: 'video:j1:s/0' }]);
  });
});
