import { parseArgs } from 'node:util';
import { MAX_IMPORT_BODY_BYTES, MAX_IMPORT_ITEMS } from '@darkroom/core/limits';
import { DEFAULT_S3_REGION, regionFromEndpoint } from '@darkroom/core/s3-endpoint';
import type { StartImportBody } from '../types.js';
import type { ImportSettings } from './import-parts.js';

/** The API `npm run demo` starts (scripts/demo.sh, DEMO_PORT), where a first try most likely runs. */
export const DEFAULT_API = 'http://127.0.0.1:3917';

interface Reaching {
  /** The API's origin, without a trailing slash. */
  api: string;
  apiKey: string;
}

export type ImportCommand =
  | { kind: 'help' }
  | ({ kind: 'urls'; file: string; settings: ImportSettings } & Reaching)
  | ({ kind: 'bucket'; body: StartImportBody } & Reaching)
  | ({ kind: 'follow'; id: string } & Reaching);

/** How the command is written back to a person: as npm runs it in the repository, else as the package's bin. */
export const commandName = (env: Record<string, string | undefined>) =>
  env.npm_lifecycle_event === 'import' ? 'npm run import --' : 'darkroom-import';

export function usage(name: string): string {
  return `Usage: ${name} (--urls FILE | --bucket NAME [--prefix P] [--endpoint URL] [--region R]) [--dry-run] [--api URL]
       ${name} --follow ID [--api URL]

Imports a library into Darkroom through its API (POST /v1/imports), shows its progress, then its
counts and every failure. Ctrl-C stops following: the import goes on, and --follow ID shows it again.

  --urls FILE       one URL a line, or CSV whose header names url and any of filename, externalId;
                    past ${MAX_IMPORT_ITEMS.toLocaleString('en-US')} URLs or ${MAX_IMPORT_BODY_BYTES / 1024 / 1024} MiB, several imports, one after another
  --bucket NAME     every object in the bucket (under --prefix), read with the keys in
                    IMPORT_ACCESS_KEY_ID and IMPORT_SECRET_ACCESS_KEY
  --prefix P        only the keys that start with P
  --endpoint URL    the bucket's S3 endpoint, e.g. https://s3.us-west-004.backblazeb2.com
                    (default: the deployment's own S3_ENDPOINT)
  --region R        the bucket's region (default: read from a B2 or AWS endpoint, else us-east-1)
  --preset NAME     the preset of every asset (default: the tenant's)
  --visibility V    public or private (default: the tenant's)
  --dry-run         list and check, import nothing: the counts it would come to
  --follow ID       show an import already started, to its end
  --api URL         the API (default: DARKROOM_API_URL, else ${DEFAULT_API}, npm run demo's)
  -h, --help        this text

Environment: DARKROOM_API_KEY, the tenant's API key (required); IMPORT_ACCESS_KEY_ID and
IMPORT_SECRET_ACCESS_KEY, the source bucket's keys (with --bucket).
Exit status: 0 done without a failure; 1 done with failures, failed or canceled, or the API
unreachable; 2 wrong arguments or settings; 130 interrupted (the import goes on).
`;
}

const OPTIONS = {
  urls: { type: 'string' },
  bucket: { type: 'string' },
  prefix: { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  preset: { type: 'string' },
  visibility: { type: 'string' },
  'dry-run': { type: 'boolean' },
  follow: { type: 'string' },
  api: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: false; strict: true }>>['values'];

/** An absolute http(s) URL's origin and path without a trailing slash, or null. */
function httpUrl(text: string): string | null {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href.replace(/\/+$/, '') : null;
  } catch {
    return null;
  }
}

/** A B2 or AWS endpoint names its region (`s3.us-west-004.backblazeb2.com`); any other server takes us-east-1. */
export function regionOf(endpoint: string | undefined): string {
  return (endpoint && regionFromEndpoint(endpoint)) || DEFAULT_S3_REGION;
}

/**
 * The command line and environment as what to do, or the one line that says what is wrong and how
 * to put it right. Nothing here reads a file or calls the API.
 */
export function parseImportArgs(argv: string[], env: Record<string, string | undefined>): ImportCommand | { error: string } {
  let values: Values;
  try {
    values = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }).values;
  } catch (error) {
    return { error: `${(error as Error).message} (--help lists the options)` };
  }
  if (values.help) return { kind: 'help' };
  const sources = (['urls', 'bucket', 'follow'] as const).filter((name) => values[name] !== undefined);
  if (sources.length !== 1) return { error: 'give one of --urls FILE, --bucket NAME or --follow ID (--help shows how)' };
  const misplaced = misplacedOption(values, sources[0]!);
  if (misplaced) return { error: misplaced };
  const reaching = reachingOf(values, env);
  if ('error' in reaching) return reaching;
  if (values.follow !== undefined) return { kind: 'follow', id: values.follow, ...reaching };
  const settings = settingsOf(values);
  if ('error' in settings) return settings;
  if (values.urls !== undefined) return { kind: 'urls', file: values.urls, settings, ...reaching };
  const source = bucketSourceOf(values, env);
  return 'error' in source ? source : { kind: 'bucket', body: { source, ...settings }, ...reaching };
}

function misplacedOption(values: Values, source: 'urls' | 'bucket' | 'follow'): string | null {
  const bucketOnly = (['prefix', 'endpoint', 'region'] as const).find((name) => values[name] !== undefined);
  if (bucketOnly && source !== 'bucket') return `--${bucketOnly} goes with --bucket`;
  const startOnly = (['preset', 'visibility', 'dry-run'] as const).find((name) => values[name] !== undefined);
  if (startOnly && source === 'follow') return `--${startOnly} goes with --urls or --bucket: --follow shows an import as it was started`;
  return null;
}

function reachingOf(values: Values, env: Record<string, string | undefined>): Reaching | { error: string } {
  const given = values.api ?? env.DARKROOM_API_URL ?? DEFAULT_API;
  const api = httpUrl(given);
  if (!api) return { error: `--api (or DARKROOM_API_URL) takes the API's http:// or https:// URL, e.g. ${DEFAULT_API}` };
  const apiKey = env.DARKROOM_API_KEY?.trim();
  if (!apiKey) return { error: "DARKROOM_API_KEY is not set: export the tenant's API key (dk_…) first" };
  return { api, apiKey };
}

function settingsOf(values: Values): ImportSettings | { error: string } {
  const { visibility, preset } = values;
  if (visibility !== undefined && visibility !== 'public' && visibility !== 'private') return { error: '--visibility takes public or private' };
  return {
    ...(preset !== undefined ? { preset } : {}),
    ...(visibility !== undefined ? { visibility } : {}),
    ...(values['dry-run'] ? { dryRun: true } : {}),
  };
}

function bucketSourceOf(values: Values, env: Record<string, string | undefined>): StartImportBody['source'] | { error: string } {
  const accessKeyId = env.IMPORT_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.IMPORT_SECRET_ACCESS_KEY?.trim();
  if (!accessKeyId || !secretAccessKey) {
    return { error: "IMPORT_ACCESS_KEY_ID and IMPORT_SECRET_ACCESS_KEY must hold the source bucket's keys (on B2: an application key's ID and key)" };
  }
  const endpoint = values.endpoint === undefined ? undefined : httpUrl(values.endpoint);
  if (endpoint === null)
    return { error: "--endpoint takes the bucket's S3 endpoint as an http:// or https:// URL, e.g. https://s3.us-west-004.backblazeb2.com" };
  return {
    type: 'bucket',
    bucket: values.bucket!,
    region: values.region ?? regionOf(endpoint),
    accessKeyId,
    secretAccessKey,
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(values.prefix !== undefined ? { prefix: values.prefix } : {}),
  };
}
