import { describe, expect, it } from 'vitest';
import { DEFAULT_DELIVERY_POLICY, signPrivateLink } from '../delivery.js';
import { viewOfSnapshot, type AssetSnapshot, type DeliveryContext } from './asset.js';

const KEY = 'dsk_test-key';
/** 2026-01-01T00:01:40Z: 100 s past a multiple of 300. */
const NOW = 1_767_225_700;
const neverOpened = () => {
  throw new Error('a public asset needs no key');
};
const delivery: DeliveryContext = {
  policy: DEFAULT_DELIVERY_POLICY,
  baseUrl: 'https://img.example.com',
  private: { tenantId: 't', key: neverOpened, ttlSeconds: 3600, nowSeconds: NOW },
};
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
    expect(view).toMatchObject({ revision: 1, focus: null, crop: null, audio: null, visibility: 'public', urlsExpireAt: null });
    expect(view.variants[0]?.url).toBe('https://cdn.example.com/variants/t/a1/thumb.webp');
    expect(view.delivery?.base).toBe('https://img.example.com/img/a1/1');
    expect(view.delivery?.src).toBe('https://img.example.com/img/a1/1/w_384,f_jpeg');
    expect('hasAlpha' in view).toBe(false);
  });

  it('shows a snapshot from before `playable` as it was: an image null, a video or audio once ready true, before that false', () => {
    expect(viewOfSnapshot(before, publicUrl, delivery).playable).toBeNull();
    const video = { ...before, kind: 'video', contentType: 'video/mp4' } as AssetSnapshot;
    expect(viewOfSnapshot(video, publicUrl, delivery).playable).toBe(true);
    expect(viewOfSnapshot({ ...video, status: 'processing', readyAt: null }, publicUrl, delivery).playable).toBe(false);
    expect(viewOfSnapshot({ ...video, status: 'processing', readyAt: null, playable: true }, publicUrl, delivery).playable).toBe(true);
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

  it("shows a private asset's every URL under one signed token that expires at now + ttl rounded up to 5 minutes", () => {
    const hls = {
      name: 'hls',
      kind: 'video',
      format: 'hls',
      width: 640,
      height: 360,
      duration: 5,
      size: 9,
      key: 'variants/t/a1/hls-abc/master.m3u8',
    };
    const secret = { ...before, visibility: 'private', revision: 2, variants: [...before.variants, hls] } as AssetSnapshot;
    const view = viewOfSnapshot(secret, publicUrl, { ...delivery, private: { ...delivery.private, key: () => KEY } });
    const exp = Math.ceil((NOW + 3600) / 300) * 300;
    const base = `https://img.example.com/p/${exp}/${signPrivateLink(KEY, exp, 'a1')}/a1`;
    expect(view.visibility).toBe('private');
    expect(view.urlsExpireAt).toBe(new Date(exp * 1000).toISOString());
    expect(view.variants.map((v) => v.url)).toEqual([`${base}/thumb.webp`, `${base}/hls-abc/master.m3u8`]);
    expect(view.delivery?.base).toBe(`${base}/img/2`);
    expect(view.delivery?.src).toBe(`${base}/img/2/w_384,f_jpeg`);
    const all = [view.delivery!.srcset, ...view.delivery!.sources.map((s) => s.srcset)].flatMap((set) => set.split(', '));
    expect(all.every((entry) => entry.startsWith(`${base}/img/2/w_`))).toBe(true);
  });

  it('refuses to show a private asset of a tenant without a delivery key rather than show public URLs', () => {
    const secret = { ...before, visibility: 'private' } as AssetSnapshot;
    expect(() => viewOfSnapshot(secret, publicUrl, { ...delivery, private: { ...delivery.private, key: () => null } })).toThrow(/no delivery key/);
  });
});
