import { untrustedInput } from '../video/ffmpeg.js';

/**
 * Demuxers an audio upload may be read with: the accepted types (MP3, MP4/M4A, ADTS AAC, WAV, FLAC,
 * Ogg). A playlist or any other format named `.mp3` is refused by ffmpeg rather than followed.
 */
export const AUDIO_DEMUXERS = 'mp3,mov,mp4,m4a,3gp,3g2,mj2,aac,wav,flac,ogg';

/** The options that must precede every untrusted audio input, then the input itself. */
export function untrustedAudioInput(path: string): string[] {
  return untrustedInput(path, AUDIO_DEMUXERS);
}
