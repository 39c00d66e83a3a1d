import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parsePresetFile, presetsFileSetting } from './preset-file.js';
import { PRESETS } from './presets.js';

const setting = z.object({ PRESETS_FILE: presetsFileSetting() });
const thumb = { name: 'thumb', fit: 'cover', width: 200, height: 200, format: 'webp', quality: 70 };

function file(contents: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'presets-')), 'presets.json');
  writeFileSync(path, contents);
  return path;
}

describe('presets file', () => {
  it('unset: the built-in presets', () => {
    expect(setting.parse({}).PRESETS_FILE).toBe(PRESETS);
  });

  it('adds presets and replaces same-named ones whole, defaulting quality', () => {
    const presets = parsePresetFile({
      default: { variants: [thumb] },
      avatars: { variants: [{ name: 'face', fit: 'cover', width: 96, height: 96, format: 'avif' }] },
    });
    const builtIn = structuredClone(PRESETS.default!.variants);
    expect(presets.default!.variants).toEqual([thumb]);
    expect(presets.avatars).toEqual({
      name: 'avatars',
      variants: [{ name: 'face', fit: 'cover', width: 96, height: 96, format: 'avif', quality: 80 }],
    });
    expect(PRESETS.default!.variants).toEqual(builtIn); // the built-ins are not modified
  });

  it('takes an hls ladder (quality defaults to 70, segmentSeconds 2..10) and refuses a fit or a maxDuration on it', () => {
    const stream = { name: 'stream', format: 'hls', width: 1920, height: 1080 };
    expect(parsePresetFile({ s: { variants: [{ ...stream, segmentSeconds: 6, audio: false }] } }).s!.variants).toEqual([
      { ...stream, quality: 70, segmentSeconds: 6, audio: false },
    ]);
    for (const bad of [{ segmentSeconds: 1 }, { segmentSeconds: 11 }, { segmentSeconds: 2.5 }, { fit: 'inside' }, { maxDuration: 5 }]) {
      expect(() => parsePresetFile({ s: { variants: [{ ...stream, ...bad }] } })).toThrow();
    }
  });

  it('takes the q_auto words as an image variant quality, and refuses any other word, naming the field', () => {
    const words = ['auto', 'auto-eco', 'auto-good', 'auto-best'];
    const variants = words.map((quality, i) => ({ ...thumb, name: `t${i}`, quality }));
    expect(parsePresetFile({ auto: { variants } }).auto!.variants).toEqual(variants);
    for (const quality of ['auto-great', 'AUTO', 'auto:good', 'auto-', '80']) {
      const result = setting.safeParse({ PRESETS_FILE: file(JSON.stringify({ auto: { variants: [{ ...thumb, quality }] } })) });
      expect(result.error!.issues[0]!.message, quality).toMatch(/auto\.variants\.0\.quality: a whole number from 1 to 100, or one of auto, /);
    }
    // Video encoders have no search: a rendition's quality stays a number.
    const clip = { name: 'clip', fit: 'inside', width: 640, height: 360, format: 'mp4' };
    expect(() => parsePresetFile({ v: { variants: [{ ...clip, quality: 'auto' }] } })).toThrow(/quality/);
    expect(() => parsePresetFile({ v: { variants: [{ name: 's', format: 'hls', width: 640, height: 360, quality: 'auto' }] } })).toThrow(/quality/);
  });

  it('takes video renditions with maxDuration and audio, and refuses them on image formats', () => {
    const clip = { name: 'clip', fit: 'inside', width: 640, height: 360, format: 'webm', quality: 60, maxDuration: 5, audio: false };
    expect(parsePresetFile({ clips: { variants: [thumb, clip] } }).clips!.variants).toEqual([thumb, clip]);
    expect(() => parsePresetFile({ clips: { variants: [{ ...thumb, maxDuration: 5 }] } })).toThrow(/maxDuration/);
    expect(() => parsePresetFile({ clips: { variants: [{ ...clip, format: 'mkv' }] } })).toThrow();
    expect(() => parsePresetFile({ clips: { variants: [{ ...clip, maxDuration: 0 }] } })).toThrow(/maxDuration/);
    expect(() => parsePresetFile({ clips: { variants: [{ ...clip, quality: 101 }] } })).toThrow(/quality/);
  });

  it('takes audio renditions and waveforms within their bounds, without the image fields', () => {
    const podcast = { name: 'podcast', format: 'mp3', bitrate: 64, loudness: -19 };
    const peaks = { name: 'peaks', format: 'waveform', points: 100 };
    const plain = [
      { name: 'a', format: 'opus' },
      { name: 'w', format: 'waveform' },
    ];
    expect(parsePresetFile({ audio: { variants: [thumb, podcast, peaks, ...plain] } }).audio!.variants).toEqual([thumb, podcast, peaks, ...plain]);
    const refused = [
      { ...podcast, bitrate: 31 },
      { ...podcast, bitrate: 321 },
      { ...podcast, loudness: -9 },
      { ...podcast, loudness: -31 },
      { ...podcast, format: 'wav' },
      { ...podcast, quality: 80 },
      { ...peaks, points: 0 },
      { ...peaks, points: 101 },
      { ...peaks, bitrate: 64 },
    ];
    for (const spec of refused) expect(() => parsePresetFile({ audio: { variants: [spec] } }), JSON.stringify(spec)).toThrow();
  });

  it('takes a storyboard with only a tile width (default 160), within its bounds', () => {
    const boards = parsePresetFile({
      boards: {
        variants: [
          { name: 'board', format: 'storyboard' },
          { name: 'big', format: 'storyboard', width: 320 },
        ],
      },
    });
    expect(boards.boards!.variants).toEqual([
      { name: 'board', format: 'storyboard', width: 160 },
      { name: 'big', format: 'storyboard', width: 320 },
    ]);
    for (const bad of [{ width: 16 }, { width: 641 }, { width: 100.5 }, { height: 90 }, { quality: 80 }, { fit: 'cover' }]) {
      expect(() => parsePresetFile({ boards: { variants: [{ name: 'board', format: 'storyboard', ...bad }] } })).toThrow();
    }
  });

  it('reads the file named by PRESETS_FILE', () => {
    const path = file(JSON.stringify({ small: { variants: [thumb] } }));
    expect(Object.keys(setting.parse({ PRESETS_FILE: path }).PRESETS_FILE)).toEqual(['default', 'small']);
  });

  it('fails naming PRESETS_FILE and the problem', () => {
    const problems = [
      ['{ not json', /as JSON/],
      [JSON.stringify({ default: { variants: [{ ...thumb, width: 0 }] } }), /default\.variants\.0\.width/],
      [JSON.stringify({ default: { variants: [thumb, thumb] } }), /unique/],
      [JSON.stringify({ 'Bad Name': { variants: [thumb] } }), /preset names/],
      [JSON.stringify({ default: { variants: [{ ...thumb, extra: 1 }] } }), /extra/],
    ] as const;
    for (const [contents, message] of problems) {
      const result = setting.safeParse({ PRESETS_FILE: file(contents) });
      expect(result.success).toBe(false);
      expect(result.error!.issues[0]!.path).toEqual(['PRESETS_FILE']);
      expect(result.error!.issues[0]!.message).toMatch(message);
    }
    expect(setting.safeParse({ PRESETS_FILE: '/nonexistent/presets.json' }).success).toBe(false);
  });
});
