import { DarkroomError } from '@darkroom/core/errors';
import { ERRORS } from '@darkroom/core/error-factories';
import type { AudioInfo } from '@darkroom/core/contract/asset';
import { probeAudio, RenderGateBusyError } from '@darkroom/media';
import type { ObjectLocation } from '@darkroom/storage';
import type { IntakeDeps, IntakeLog } from './deps.js';

/** What a confirm learns of an audio original and records on its asset. */
export interface AudioFacts {
  format: string;
  duration: number;
  audio: NonNullable<AudioInfo>;
}

/** Long enough for ffprobe's few ranged reads; the URL never leaves this process. */
const PROBE_URL_SECONDS = 300;
/** How long a `complete` waits for one of the process's audio checks (AUDIO_PROBES) before a 503. */
const PROBE_WAIT_MS = 10_000;

/** ffprobe's demuxer names, as `asset.format` shows containers. */
const FORMAT_OF_DEMUXER: Readonly<Record<string, string>> = {
  'mov,mp4,m4a,3gp,3g2,mj2': 'mp4',
  mp3: 'mp3',
  aac: 'aac',
  wav: 'wav',
  flac: 'flac',
  ogg: 'ogg',
};

/**
 * Probes the checked copy of an audio upload where it lies, through a short-lived GET URL: ffprobe
 * reads the header and index by ranged requests, never the whole file (a file stating less than it
 * holds is recorded as stated, and timed by its packets in the worker). Refuses past
 * AUDIO_MAX_DURATION (`audio_too_long`), damaged or silent-less files (`corrupt_audio`) and unknown
 * codecs (`unsupported_codec`), as `@darkroom/media`'s `probeAudio` decides, with the factory's
 * refusal as it is: what ffprobe said (`details.detail`) goes to the log with the request, and the
 * answer (core's `errorAnswer`) keeps the sentence and the plain facts.
 */
export async function checkAudio(
  deps: Pick<IntakeDeps, 'storage' | 'audioProbes' | 'config'>,
  log: Pick<IntakeLog, 'info'>,
  location: ObjectLocation,
  start: { size: number; bytes: Uint8Array },
): Promise<AudioFacts> {
  const { url } = await deps.storage.presignGet({ ...location, expiresInSeconds: PROBE_URL_SECONDS });
  const maxDurationSeconds = deps.config.uploads.audioMaxDurationSeconds;
  const release = await deps.audioProbes.acquire(0, { timeoutMs: PROBE_WAIT_MS }).catch((error: unknown) => {
    throw error instanceof RenderGateBusyError ? ERRORS.audioChecksBusy() : error;
  });
  const probe = await probeAudio({ url, size: start.size, head: start.bytes }, { maxDurationSeconds })
    .catch((error: unknown) => {
      if (error instanceof DarkroomError) log.info({ code: error.code, detail: error.details?.detail }, 'complete refused an audio upload');
      throw error;
    })
    .finally(release);
  return {
    format: FORMAT_OF_DEMUXER[probe.container] ?? probe.container,
    duration: Math.round(probe.durationSeconds * 1000) / 1000,
    // Loudness is measured by the worker, which decodes the whole file anyway.
    audio: { codec: probe.codec, sampleRate: probe.sampleRate, channels: probe.channels, loudness: null },
  };
}
