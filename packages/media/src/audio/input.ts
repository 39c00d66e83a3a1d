import { readLimitArgs } from '../video/declared-bounds.js';
import { untrustedInput } from '../video/ffmpeg.js';
import type { AudioStreamFacts } from './types.js';

/**
 * Demuxers an audio upload may be read with: the accepted types (MP3, MP4/M4A, ADTS AAC, WAV, FLAC,
 * Ogg). A playlist or any other format named `.mp3` is refused by ffmpeg rather than followed.
 */
export const AUDIO_DEMUXERS = 'mp3,mov,mp4,m4a,3gp,3g2,mj2,aac,wav,flac,ogg';

/** The options that must precede every untrusted audio input, then the input itself. */
export function untrustedAudioInput(path: string): string[] {
  return untrustedInput(path, AUDIO_DEMUXERS);
}

/**
 * As `untrustedAudioInput`, for a read of the sound: it stops a few seconds past the duration the
 * probe held to AUDIO_MAX_DURATION (`readLimitArgs`), so sound the probe never saw (after a gap
 * past where it reads) is never decoded.
 */
export function boundedAudioInput(path: string, source: Pick<AudioStreamFacts, 'durationSeconds'>): string[] {
  return [...readLimitArgs(source), ...untrustedAudioInput(path)];
}
