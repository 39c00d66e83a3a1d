import { existsSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_MAX_INPUT_PIXELS, DEFAULT_UPLOAD_TTL } from './limits.js';
import { DEFAULT_PRIVATE_URL_TTL_SECONDS, PRIVATE_URL_MAX_TTL_SECONDS, PRIVATE_URL_MIN_TTL_SECONDS, VISIBILITIES } from './private-links.js';
import { QUEUE_PREFIX } from './queue.js';

/**
 * Helpers both apps' config modules use. Parsing itself happens once per app, at boot, in
 * `apps/<app>/src/config.ts`. Only the entrypoint helpers below (`loadProjectDotEnv`,
 * `loadConfigOrExit`) touch `process.env`, and only when an entrypoint calls them: importing this
 * module reads nothing.
 */

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `"24h"`, `"30m"`, `"90s"`, `"500ms"`, `"2d"`, or a bare number of seconds. Null when unreadable. */
export function parseDurationMs(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) return null;
  const value = Number(match[1]);
  return Math.round(value * UNITS[match[2] ?? 's']!);
}

/** Turns zod issues into one line naming every offending variable, for a boot failure people can act on. */
export function describeEnvIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  const lines = issues.map((issue) => `${issue.path.map(String).join('.') || '(environment)'}: ${issue.message}`);
  return `Invalid configuration:\n  ${lines.join('\n  ')}`;
}

/** `.env` is read when present; real environment variables win over it. */
export function loadDotEnv(path: string): void {
  try {
    process.loadEnvFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** A zod setting holding a comma-separated list of durations (`10s,1m,3m`), parsed to milliseconds. */
export function durationListSetting(fallback: string, minimumMs = 1) {
  return z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const items = text.split(',').map((part) => parseDurationMs(part.trim()));
      if (items.length === 0 || items.some((ms) => ms === null || ms < minimumMs)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${text}" is not a comma-separated list of durations of at least ${minimumMs} ms (example: 10s,1m,3m)`,
        });
        return z.NEVER;
      }
      return items as number[];
    });
}

/** A zod setting holding a duration (see `parseDurationMs`), parsed to milliseconds. */
export function durationSetting(fallback: string, minimumMs = 1) {
  return z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const ms = parseDurationMs(text);
      if (ms === null || ms < minimumMs) {
        ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration of at least ${minimumMs} ms (examples: 90s, 30m, 24h)` });
        return z.NEVER;
      }
      return ms;
    });
}

/**
 * UPLOAD_TTL, as the API (how long an upload may take), the worker (when a multipart upload is
 * abandoned) and storage:setup (the bucket's lifecycle rules) all read it: at least a second.
 */
export const uploadTtlSetting = () => durationSetting(DEFAULT_UPLOAD_TTL, 1000);

/** A time limit that grows with the length of what is processed: `perSecond` ms per second of it, plus `fixedMs`. */
export interface ScaledDuration {
  perSecond: number;
  fixedMs: number;
}

/** The limit for something `seconds` long. */
export function scaledDurationMs(limit: ScaledDuration, seconds: number): number {
  return Math.round(limit.perSecond * seconds * 1000 + limit.fixedMs);
}

/**
 * A zod setting holding a time limit proportional to a media duration: `3x+2m` is three times the
 * duration plus two minutes (`3x` alone, or a plain duration such as `30m` for a fixed limit).
 */
export function scaledDurationSetting(fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((text, ctx): ScaledDuration => {
      const match = /^\s*(?:(\d+(?:\.\d+)?)\s*[x×]\s*(?:\+\s*(.+))?|(.+))$/.exec(text);
      const perSecond = match?.[1] === undefined ? 0 : Number(match[1]);
      const rest = match?.[2] ?? match?.[3];
      const fixedMs = rest === undefined ? 0 : parseDurationMs(rest);
      if (!match || fixedMs === null || perSecond + fixedMs <= 0) {
        ctx.addIssue({ code: 'custom', message: `"${text}" is not a multiple of the duration plus a duration (examples: 3x+2m, 2x, 45m)` });
        return z.NEVER;
      }
      return { perSecond, fixedMs };
    });
}

/**
 * Reads the project's `.env`: where the command was typed first (npm runs workspace scripts inside
 * the package; INIT_CWD is the user's directory), then the current directory. Returns the file read.
 */
export function loadProjectDotEnv(): string | null {
  const folders = [...new Set([process.env.INIT_CWD, process.cwd()].filter((d): d is string => Boolean(d)))];
  for (const folder of folders) {
    const path = `${folder}/.env`;
    if (existsSync(path)) {
      loadDotEnv(path);
      return path;
    }
  }
  return null;
}

/**
 * An app's boot: reads the project's `.env`, then parses the settings once. A bad setting
 * ends the process with the message naming it, instead of a stack trace.
 */
export function loadConfigOrExit<T>(load: (env: NodeJS.ProcessEnv) => T): T {
  loadProjectDotEnv();
  try {
    return load(process.env);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}

/** Runs `stop` once on the first SIGTERM or SIGINT, then exits 0. */
export function exitOnSignals(stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  const handle = (signal: string) => {
    if (stopping) return;
    stopping = true;
    void stop(signal).then(() => process.exit(0));
  };
  process.on('SIGTERM', () => handle('SIGTERM'));
  process.on('SIGINT', () => handle('SIGINT'));
}

/** A zod setting holding `true` or `false` (also `1`/`0`, `yes`/`no`; blank is the default); anything else names the variable. */
export function booleanSetting(fallback: boolean) {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      const value = text?.trim().toLowerCase();
      if (!value) return fallback;
      if (['true', '1', 'yes'].includes(value)) return true;
      if (['false', '0', 'no'].includes(value)) return false;
      ctx.addIssue({ code: 'custom', message: `"${text}" is not true or false` });
      return z.NEVER;
    });
}

/**
 * The settings every app reads alike (the API, the worker, the delivery server): each app's schema
 * spreads them, so a variable's rule, default and message are written here once. MAX_INPUT_PIXELS
 * is one limit: the worker refuses larger images, the admin preview and delivery render none.
 */
export const commonSettings = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/darkroom'),
  /** Ignored when REDIS_CLUSTER_NODES is set (`@darkroom/queue`'s setting): every Redis client uses cluster mode. */
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z.string().min(1).default(QUEUE_PREFIX),
  MAX_INPUT_PIXELS: z.coerce.number().int().positive().default(DEFAULT_MAX_INPUT_PIXELS),
};

/** The delivery server's port when DELIVERY_PORT is unset. */
export const DEFAULT_DELIVERY_PORT = 3400;

/**
 * DELIVERY_PORT and DELIVERY_BASE_URL, read alike by every app that serves or hands out delivery
 * URLs (the delivery server, the API's `asset.delivery`, the worker's webhook payloads).
 */
export const deliverySettings = {
  DELIVERY_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_DELIVERY_PORT),
  /** The public origin in front of the delivery server (the CDN); unset: `http://HOST:DELIVERY_PORT`. */
  DELIVERY_BASE_URL: z
    .string()
    .url()
    .refine((url) => /^https?:\/\//i.test(url), 'DELIVERY_BASE_URL must be an http(s) URL')
    .optional(),
};

/** DELIVERY_BASE_URL without a trailing slash, or the delivery server's own address on HOST. */
export function deliveryBaseUrlOf(e: { DELIVERY_PORT: number; DELIVERY_BASE_URL?: string | undefined }, host: string): string {
  if (e.DELIVERY_BASE_URL) return e.DELIVERY_BASE_URL.replace(/\/+$/, '');
  return `http://${host.includes(':') ? `[${host}]` : host}:${e.DELIVERY_PORT}`;
}

/** PRIVATE_URL_TTL, read alike by every app that shows an Asset (the API, the worker's webhook payloads): a private URL's life in seconds. */
export const privateUrlSettings = {
  PRIVATE_URL_TTL: z.coerce.number().int().min(PRIVATE_URL_MIN_TTL_SECONDS).max(PRIVATE_URL_MAX_TTL_SECONDS).default(DEFAULT_PRIVATE_URL_TTL_SECONDS),
};

/** DEFAULT_VISIBILITY: an asset's visibility when neither its upload, its upload token nor its tenant names one. */
export const visibilitySettings = {
  DEFAULT_VISIBILITY: z.enum(VISIBILITIES).default('public'),
};
