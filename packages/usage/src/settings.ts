import { z } from 'zod';

/** USAGE_*: read alike by the API, the worker and the delivery server (each app's config spreads them). */
export const usageEnvSettings = {
  /** `off`: nothing is metered and no quota enforced (the benchmarks' baseline, the same build). */
  USAGE_METERING: z.enum(['on', 'off']).default('on'),
  /** How often a process writes its in-memory counts; a kill loses at most this much of them. */
  USAGE_FLUSH_SECONDS: z.coerce.number().int().min(1).max(300).default(5),
};

export interface UsageConfig {
  /** USAGE_METERING=on. */
  metering: boolean;
  flushSeconds: number;
}

export function usageConfigOf(e: { USAGE_METERING: 'on' | 'off'; USAGE_FLUSH_SECONDS: number }): UsageConfig {
  return { metering: e.USAGE_METERING === 'on', flushSeconds: e.USAGE_FLUSH_SECONDS };
}
