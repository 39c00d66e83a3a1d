import { describe, expect, it } from 'vitest';
import { DEFAULT_DELIVERY_POLICY } from '../delivery.js';
import { viewOfSnapshot, type AssetSnapshot } from './asset.js';

const delivery = { policy: DEFAULT_DELIVERY_POLICY, baseUrl: 'https://img.example.com' };
const publicUrl = (key: string) => `https://cdn.example.com/${key}`;

/** A ready image's snapshot as events stored it before focus and crop existed (no revision, focus, crop, hasAlpha). */
const before = {
  id: 'a1',
  status: 'ready',
  filename: 'p.png',
  contentType: 'image/png',
  size: 10,
  preset: 'default',
  metadata: null,
  kind: 'image',
  width: 500,
  height: 400,
  format: 'png',
  duration: null,
  video: null,
  placeholder: null,
  dominantColor: null,
  variants: [{ name: 'thumb', kind: 'image', format: 'webp', width: 256, height: 256, duration: null, size: 5, key: 'variants/t/a1/thumb.webp' }],
  error: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  readyAt: '2026-01-01T00:00:00.000Z',
} as unknown as AssetSnapshot;

describe('viewOfSnapshot', () => {
  it('shows a snapshot from before focus and crop as revision 1, uncropped, with its markup built now', () => {
    const view = viewOfSnapshot(before, publicUrl, delivery);
    expect(view).toMatchObject({ revision: 1, focus: null, crop: null, audio: null });
    expect(view.delivery?.base).toBe('https://img.example.com/img/a1/1');
    expect(view.delivery?.src).toBe('https://img.example.com/img/a1/1/w_384,f_jpeg');
    expect('hasAlpha' in view).toBe(false);
  });

  it('shows an audio asset with its audio facts and no markup (no picture of its own)', () => {
    const audio = { codec: 'mp3', sampleRate: 44_100, channels: 2, loudness: -16.1 };
    const episode = {
      ...before,
      kind: 'audio',
      contentType: 'audio/mpeg',
      width: null,
      height: null,
      format: 'mp3',
      duration: 1800,
      audio,
    } as AssetSnapshot;
    expect(viewOfSnapshot(episode, publicUrl, delivery)).toMatchObject({ kind: 'audio', duration: 1800, audio, video: null, delivery: null });
  });

  it("builds the markup from the snapshot's revision and crop, PNG for transparency, and none for an asset not ready", () => {
    const cropped = { ...before, revision: 3, crop: { x: 0, y: 0, width: 100, height: 100 }, hasAlpha: true } as AssetSnapshot;
    const view = viewOfSnapshot(cropped, publicUrl, { ...delivery, policy: { ...DEFAULT_DELIVERY_POLICY, avif: false } });
    expect(view.delivery?.src).toBe('https://img.example.com/img/a1/3/w_96,f_png');
    expect(view.delivery?.sources.map((s) => s.type)).toEqual(['image/webp']);
    expect(viewOfSnapshot({ ...before, status: 'processing', variants: [] }, publicUrl, delivery).delivery).toBeNull();
    expect(viewOfSnapshot({ ...before, status: 'ready', width: null, height: null }, publicUrl, delivery).delivery).toBeNull();
  });
});
