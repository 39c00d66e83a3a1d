import { BadMediaError, DarkroomError, type AudioInfo, type BadMediaCode } from '@darkroom/core';
import { probeAudio } from '@darkroom/media';
import type { ObjectLocation } from '@darkroom/storage';
import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../deps.js';

/** What `complete` learns of an audio original and records on its asset. */
export interface AudioFacts {
  format: string;
  duration: number;
  audio: NonNullable<AudioInfo>;
}

/** Long enough for ffprobe's few ranged reads; the URL never leaves this process. */
const PROBE_URL_SECONDS = 300;

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
 * reads the header and index by ranged requests, never the whole file. Refuses past
 * AUDIO_MAX_DURATION (`audio_too_long`), damaged or silent-less files (`corrupt_audio`) and unknown
 * codecs (`unsupported_codec`), as `@darkroom/media`'s `probeAudio` decides.
 */
export async function checkAudio(
  deps: AppDeps,
  log: FastifyBaseLogger,
  location: ObjectLocation,
  start: { size: number; bytes: Uint8Array },
): Promise<AudioFacts> {
  const { url } = await deps.storage.presignGet({ ...location, expiresInSeconds: PROBE_URL_SECONDS });
  const maxDurationSeconds = deps.config.uploads.audioMaxDurationSeconds;
  const probe = await probeAudio({ url, size: start.size, head: start.bytes }, { maxDurationSeconds }).catch((error: unknown) => {
    throw forTenant(log, error);
  });
  return {
    format: FORMAT_OF_DEMUXER[probe.container] ?? probe.container,
    duration: Math.round(probe.durationSeconds * 1000) / 1000,
    // Loudness is measured by the worker, which decodes the whole file anyway.
    audio: { codec: probe.codec, sampleRate: probe.sampleRate, channels: probe.channels, loudness: null },
  };
}

/**
 * A refusal as the tenant reads it: what ffprobe said (`detail`) is for operators, so it goes to the
 * log with the asset's id, and the answer keeps the sentence and the plain facts (durations, sizes).
 */
function forTenant(log: FastifyBaseLogger, error: unknown): unknown {
  if (!(error instanceof DarkroomError)) return error;
  const { detail, ...rest } = error.details ?? {};
  log.info({ code: error.code, detail }, 'complete refused an audio upload');
  const facts = Object.keys(rest).length ? rest : undefined;
  return error instanceof BadMediaError
    ? new BadMediaError(error.code as BadMediaCode, error.message, facts)
    : new DarkroomError(error.code, error.message, facts);
}
