import { describe, expect, it } from 'vitest';
import {
  findPreset,
  isImageSpec,
  isRenditionSpec,
  isStoryboardSpec,
  isVideoSpec,
  PRESETS,
  presetSpecHashes,
  presetStaleScope,
  specAppliesTo,
  specsForKind,
  variantSpecHash,
  type AudioVariantSpec,
  type HlsVariantSpec,
  type StoryboardVariantSpec,
  type VariantSpec,
  type VideoVariantSpec,
} from './presets.js';

describe('presets', () => {
  it('the default preset is the documented one', () => {
    const boxes = (v: VariantSpec) => ('fit' in v ? [v.name, v.fit, v.width, v.height, v.format] : [v.name, v.format]);
    expect(PRESETS.default!.variants.map(boxes)).toEqual([
      ['thumb', 'cover', 256, 256, 'webp'],
      ['small', 'inside', 640, 640, 'webp'],
      ['medium', 'inside', 1280, 1280, 'webp'],
      ['large', 'inside', 2560, 2560, 'webp'],
      ['720p', 'inside', 1280, 720, 'mp4'],
      ['stream', 'hls'],
      ['storyboard', 'storyboard'],
      ['podcast', 'm4a'],
      ['waveform', 'waveform'],
    ]);
    expect(PRESETS.default!.variants.find((v) => v.name === 'podcast')).toEqual({ name: 'podcast', format: 'm4a', bitrate: 96, loudness: -16 });
  });

  it('an image renders the image formats; a video those (its poster) and the video ones; audio those (its cover art) and the audio ones', () => {
    const specs = PRESETS.default!.variants;
    const images = ['thumb', 'small', 'medium', 'large'];
    expect(specsForKind(specs, 'image').map((s) => s.name)).toEqual(images);
    expect(specsForKind(specs, 'video').map((s) => s.name)).toEqual([...images, '720p', 'stream', 'storyboard']);
    expect(specsForKind(specs, 'audio').map((s) => s.name)).toEqual([...images, 'podcast', 'waveform']);
    expect(specs.filter(isImageSpec).every((s) => specAppliesTo(s, 'audio'))).toBe(true);
    expect(presetStaleScope(PRESETS.default!)).toMatchObject({
      videoVariants: ['720p', 'stream', 'storyboard'],
      audioVariants: ['podcast', 'waveform'],
    });
  });

  it('finds only real presets (not Object.prototype names)', () => {
    expect(findPreset(PRESETS, 'default')?.name).toBe('default');
    expect(findPreset(PRESETS, 'toString')).toBeUndefined();
    expect(findPreset(PRESETS, 'nope')).toBeUndefined();
  });

  it('maps each variant name to its spec hash', () => {
    const hashes = presetSpecHashes(PRESETS.default!);
    expect(Object.keys(hashes)).toEqual(['thumb', 'small', 'medium', 'large', '720p', 'stream', 'storyboard', 'podcast', 'waveform']);
    expect(hashes.thumb).toBe(variantSpecHash(PRESETS.default!.variants[0]!));
  });

  it('spec hashes are stable and change with any part of the spec', () => {
    const thumb = PRESETS.default!.variants.filter(isImageSpec)[0]!;
    expect(variantSpecHash(thumb)).toBe(variantSpecHash({ ...thumb }));
    expect(variantSpecHash(thumb)).toMatch(/^[0-9a-f]{12}$/);
    expect(variantSpecHash({ ...thumb, quality: 81 })).not.toBe(variantSpecHash(thumb));
    expect(variantSpecHash({ ...thumb, width: 255 })).not.toBe(variantSpecHash(thumb));
    // Image hashes are what they were before video: existing variants keep their URLs.
    expect(variantSpecHash(thumb)).toBe('6082d08bcd75');
  });

  it('hashes `auto` as `auto-good` (one render), and each level apart', () => {
    const thumb = PRESETS.default!.variants.filter(isImageSpec)[0]!;
    const hashes = (['auto', 'auto-good', 'auto-eco', 'auto-best', 75] as const).map((quality) => variantSpecHash({ ...thumb, quality }));
    expect(hashes[0]).toBe(hashes[1]);
    expect(new Set(hashes).size).toBe(4);
  });

  it('a video spec hash covers every field, maxDuration and audio included', () => {
    const clip: VideoVariantSpec = { name: 'clip', fit: 'inside', width: 640, height: 360, format: 'mp4', quality: 70 };
    const hashes = [
      clip,
      { ...clip, format: 'webm' as const },
      { ...clip, fit: 'cover' as const },
      { ...clip, height: 361 },
      { ...clip, quality: 71 },
      { ...clip, maxDuration: 5 },
      { ...clip, maxDuration: 6 },
      { ...clip, audio: false },
    ].map(variantSpecHash);
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(variantSpecHash({ ...clip, audio: true })).toBe(variantSpecHash(clip)); // audio defaults to true
  });

  it('an audio spec hash covers its format and settings, an omitted default hashing as the value it means', () => {
    const podcast: AudioVariantSpec = { name: 'podcast', format: 'm4a', bitrate: 96, loudness: -16 };
    const hashes = [
      podcast,
      { ...podcast, format: 'mp3' as const },
      { ...podcast, bitrate: 128 },
      { ...podcast, loudness: -14 },
      { name: 'podcast', format: 'm4a' as const, bitrate: 96 },
      { name: 'peaks', format: 'waveform' as const },
      { name: 'peaks', format: 'waveform' as const, points: 20 },
    ].map(variantSpecHash);
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(variantSpecHash({ name: 'peaks', format: 'waveform', points: 10 })).toBe(variantSpecHash({ name: 'peaks', format: 'waveform' }));
    expect(variantSpecHash({ name: 'a', format: 'mp3', bitrate: 128 })).toBe(variantSpecHash({ name: 'a', format: 'mp3' }));
  });

  it('a storyboard spec hash covers its name and tile width, and is no rendition spec', () => {
    const board: StoryboardVariantSpec = { name: 'board', format: 'storyboard', width: 160 };
    const hashes = [board, { ...board, width: 161 }, { ...board, name: 'other' }].map(variantSpecHash);
    expect(new Set(hashes).size).toBe(3);
    expect([isVideoSpec(board), isRenditionSpec(board), isStoryboardSpec(board), isImageSpec(board)]).toEqual([true, false, true, false]);
    expect(specsForKind([board], 'image')).toEqual([]);
  });

  it('an hls spec hash covers segmentSeconds and audio', () => {
    const stream: HlsVariantSpec = { name: 'stream', format: 'hls', width: 1920, height: 1080, quality: 70 };
    const hashes = [stream, { ...stream, segmentSeconds: 6 }, { ...stream, audio: false }, { ...stream, height: 720 }].map(variantSpecHash);
    expect(new Set(hashes).size).toBe(hashes.length);
  });
});
