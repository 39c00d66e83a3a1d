import type { Database } from '@darkroom/db/client';
import type { RenderGate } from '@darkroom/media';
import type { AssetQueue } from '@darkroom/queue';
import type { ObjectStorage } from '@darkroom/storage';

/**
 * What the intake needs of the process it runs in, and no more: the API's dependencies satisfy it
 * as they are, and a worker builds its own (imports move to the worker fleet next). Its settings
 * keep the names and places the API's config gives them.
 */
export interface IntakeDeps {
  db: Database;
  storage: ObjectStorage;
  /** Where confirmed assets' jobs are queued, after their commit. */
  queue: Pick<AssetQueue, 'enqueue' | 'enqueueNew'>;
  /** Audio checks (each an ffprobe process) at once in this process, with a short bounded line behind them. */
  audioProbes: Pick<RenderGate, 'acquire'>;
  config: IntakeConfig;
}

export interface IntakeConfig {
  storage: { bucket: string };
  /** USAGE_METERING: off, a confirm records no usage. */
  usage: { metering: boolean };
  /** A confirmed asset's job: attempts before it fails for good (JOB_MAX_ATTEMPTS). */
  jobMaxAttempts: number;
  uploads: {
    /** AUDIO_MAX_DURATION in seconds: a confirm's probe refuses longer audio. */
    audioMaxDurationSeconds: number;
    /** The server-side copy from staging to the original key: in parts above `multipartThreshold`. */
    copy: { multipartThreshold: number; partSize: number };
  };
}

/** The lines the intake writes: a Fastify request's logger and a worker's pino logger both serve. */
export interface IntakeLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}
