import { DEFAULT_ACCEPTED_TYPES } from '@darkroom/core/content-types';
import { DEFAULT_COPY_PART_BYTES, GiB, MiB, S3_MAX_COPY_OBJECT_BYTES, S3_MAX_PART_BYTES, S3_MIN_PART_BYTES } from '@darkroom/core/limits';
import { DEFAULT_MAX_ATTEMPTS } from '@darkroom/core/queue';
import { z } from 'zod';

const bytes = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const list = (fallback: readonly string[]) =>
  z
    .string()
    .optional()
    .transform((text) =>
      text
        ? text
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [...fallback],
    );

/**
 * The settings of every process that confirms assets (the API's `complete`, a worker's imports),
 * spread into each one's environment schema so that each is written once (docs/configuration.md).
 */
export const intakeEnvSettings = {
  MAX_UPLOAD_BYTES: bytes(100 * MiB),
  /** A copy into the original key goes in parts (UploadPartCopy) above this; one CopyObject stops at S3_MAX_COPY_OBJECT_BYTES. */
  COPY_MULTIPART_THRESHOLD_BYTES: bytes(S3_MAX_COPY_OBJECT_BYTES).refine(
    (n) => n <= S3_MAX_COPY_OBJECT_BYTES,
    `COPY_MULTIPART_THRESHOLD_BYTES must be at most ${S3_MAX_COPY_OBJECT_BYTES / GiB} GiB`,
  ),
  COPY_PART_SIZE: bytes(DEFAULT_COPY_PART_BYTES).refine(
    (n) => n >= S3_MIN_PART_BYTES && n <= S3_MAX_PART_BYTES,
    `COPY_PART_SIZE must be from ${S3_MIN_PART_BYTES / MiB} MiB to ${S3_MAX_PART_BYTES / GiB} GiB`,
  ),
  ACCEPTED_CONTENT_TYPES: list(DEFAULT_ACCEPTED_TYPES),
  JOB_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(DEFAULT_MAX_ATTEMPTS),
  /** ffprobe processes one process runs at once for its confirms' audio checks; more wait, briefly. */
  AUDIO_PROBES: z.coerce.number().int().min(1).max(64).default(2),
};
