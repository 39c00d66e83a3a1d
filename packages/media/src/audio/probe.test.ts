import { describe, expect, it } from 'vitest';
import { clip } from '../video/test-clips.js';
import { probeAudio } from './probe.js';
import { audioFixture } from './test-audio.js';

const LIMITS = { maxDurationSeconds: 3600 };

describe('probeAudio', () => {
  it.each([
    ['cover.mp3', 'mp3', 'mp3', 1, 3], // the cover art is a stream too: the audio one is read
    ['cover.m4a', 'mp4', 'aac', 1, 2],
    ['quiet.mp3', 'mp3', 'mp3', 2, 6],
    ['surround.flac', 'flac', 'flac', 6, 2],
    ['loud.wav', 'wav', 'pcm_s16le', 1, 4],
  ] as const)('reads %s', async (name, container, codec, channels, seconds) => {
    const probe = await probeAudio(await audioFixture(name), LIMITS);
    expect(probe).toMatchObject({ container, codec, channels });
    expect(probe.sampleRate).toBeGreaterThanOrEqual(44_100);
    expect(probe.durationSeconds).toBeCloseTo(seconds, 0);
  });

  it('refuses a text file named .mp3 as corrupt_audio', async () => {
    await expect(probeAudio(await audioFixture('text.mp3'), LIMITS)).rejects.toMatchObject({ code: 'corrupt_audio' });
  });

  it('refuses a video without sound as corrupt_audio', async () => {
    await expect(probeAudio(await clip('no-audio.mp4'), LIMITS)).rejects.toMatchObject({ code: 'corrupt_audio' });
  });

  it('refuses a codec outside the allowlist as unsupported_codec, naming it only in details', async () => {
    const refusal = probeAudio(await audioFixture('adpcm.wav'), LIMITS);
    await expect(refusal).rejects.toMatchObject({ code: 'unsupported_codec', details: { codec: 'adpcm_ima_wav' } });
  });

  it('refuses audio over the limit as audio_too_long', async () => {
    await expect(probeAudio(await audioFixture('quiet.mp3'), { maxDurationSeconds: 5 })).rejects.toMatchObject({ code: 'audio_too_long' });
  });
});
