import { isIP } from 'node:net';
import { MAX_IMPORT_ENDPOINT_LENGTH } from '@darkroom/core/limits';

/**
 * The checks of a bucket source that need nothing but its text, made when `POST /v1/imports` is
 * called: each problem is a sentence for the tenant that never repeats what was sent (an endpoint
 * may carry credentials).
 */

/** What of a source these checks read. */
export interface BucketSourceName {
  /** Absent: the deployment's own S3 endpoint. */
  endpoint?: string | undefined;
  bucket: string;
}

/** Where the deployment's own buckets are: none of them may be a source, whatever the credentials. */
export interface DeploymentBuckets {
  storage: { endpoint: string; bucket: string; publicBucket: string };
  /** The backup bucket and its endpoint, where the API is given them. */
  backup?: { endpoint: string; bucket: string } | null | undefined;
}

/**
 * What is wrong with a bucket name by S3's rules, or null: 3 to 63 lower-case letters, digits, dots
 * and hyphens, beginning and ending with a letter or digit, no two dots in a row, and not an IP
 * address. So nothing that would change a path-style URL (`/`, `?`, `#`, `%`) gets through.
 */
export function bucketNameProblem(name: string): string | null {
  if (name.length < 3 || name.length > 63) return 'a bucket name is 3 to 63 characters long';
  if (!/^[a-z0-9.-]+$/.test(name)) return 'a bucket name holds only lower-case letters, digits, dots and hyphens';
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) return 'a bucket name begins and ends with a letter or a digit';
  if (name.includes('..')) return 'a bucket name has no two dots in a row';
  if (isIP(name)) return 'a bucket name is not an IP address';
  return null;
}

/**
 * What is wrong with a region, or null: letters, digits, hyphens and underscores, as every S3
 * server names its regions (`us-east-1`, `us-west-004`, `auto`). It goes into each request's
 * signature, where a space, a slash or a line break made every request fail as a connection that
 * failed, tried again and again, instead of a refusal at the call.
 */
export function regionProblem(region: string): string | null {
  return /^[A-Za-z0-9_-]+$/.test(region) ? null : 'holds only letters, digits, hyphens and underscores (as us-east-1 does)';
}

/**
 * What is wrong with a key ID, or null: printable ASCII without spaces, as S3 servers issue them. It
 * goes into each request's Authorization header, which refuses a control character before sending:
 * the import failed as a connection that failed, after every retry, instead of at the call.
 */
export function accessKeyIdProblem(accessKeyId: string): string | null {
  return /^[\x21-\x7e]+$/.test(accessKeyId) ? null : 'holds only printable ASCII, without spaces, as every S3 key ID does';
}

/** The URL `text` parses as, or null when it is none. */
function parsed(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

const isHttp = (url: URL) => url.protocol === 'https:' || url.protocol === 'http:';

/** What is wrong with a bucket endpoint on its face (no DNS), or null: an absolute http(s) URL of a server, and nothing more. */
export function endpointProblem(endpoint: string): string | null {
  if (endpoint.length > MAX_IMPORT_ENDPOINT_LENGTH) return `the endpoint is longer than ${MAX_IMPORT_ENDPOINT_LENGTH} characters`;
  const url = parsed(endpoint);
  if (!url) return 'the endpoint is not an absolute URL';
  if (!isHttp(url)) return 'the endpoint must use https:// or http://';
  if (url.username || url.password) return 'the endpoint must not carry credentials (user:password@): send them as accessKeyId and secretAccessKey';
  if (!hostOf(url)) return 'the endpoint has no host';
  if (url.pathname !== '/' || url.search || url.hash) return 'the endpoint is a server’s address alone, with no path, query or fragment';
  return null;
}

/** A host as endpoints are compared: the URL parser's (lower case, IPv4 in its dotted form), without brackets or the root's trailing dot. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.+$/, '');
}

/** `scheme://host:port` with the scheme's default port spelled out; null for what is not an http(s) URL. */
function endpointIdentity(endpoint: string): string | null {
  const url = parsed(endpoint);
  if (!url || !isHttp(url)) return null;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.protocol}//${hostOf(url)}:${port}`;
}

/**
 * Whether two endpoints name the same server as written: the same scheme, host and port, with case,
 * a trailing dot and default ports folded. Names are not resolved (this runs before any lookup, and
 * DNS may answer otherwise later), so `localhost` and `127.0.0.1` are two endpoints: one that is not
 * the deployment's as written is treated as a stranger's (its addresses checked, no server-side copy).
 */
export function sameEndpoint(a: string, b: string): boolean {
  const identity = endpointIdentity(a);
  return identity !== null && identity === endpointIdentity(b);
}

/** Bucket names compared as B2 does, without regard to case (the deployment's may be written in capitals). */
const sameBucket = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Whether a source names one of the deployment's own buckets: the originals' or the variants' bucket
 * on the deployment's endpoint (an absent endpoint is that endpoint), or the backup bucket on its own.
 */
export function isDeploymentBucket(source: BucketSourceName, deployment: DeploymentBuckets): boolean {
  const { storage, backup } = deployment;
  const endpoint = source.endpoint ?? storage.endpoint;
  if (sameEndpoint(endpoint, storage.endpoint) && [storage.bucket, storage.publicBucket].some((own) => sameBucket(own, source.bucket))) {
    return true;
  }
  return Boolean(backup && sameEndpoint(endpoint, backup.endpoint) && sameBucket(backup.bucket, source.bucket));
}

/** The fields of a bucket source checked on their face, in the order they are checked. */
export type BucketSourceField = 'bucket' | 'region' | 'accessKeyId' | 'endpoint';

/**
 * The first field of a bucket source that is wrong on its face (no DNS), with what is wrong with it,
 * or null: what the route refuses at the call and the worker again when it opens the source.
 */
export function bucketSourceProblem(source: {
  bucket: string;
  region: string;
  accessKeyId: string;
  endpoint?: string | undefined;
}): { field: BucketSourceField; problem: string } | null {
  const problems: [BucketSourceField, () => string | null][] = [
    ['bucket', () => bucketNameProblem(source.bucket)],
    ['region', () => regionProblem(source.region)],
    ['accessKeyId', () => accessKeyIdProblem(source.accessKeyId)],
    ['endpoint', () => (source.endpoint === undefined ? null : endpointProblem(source.endpoint))],
  ];
  for (const [field, problemOf] of problems) {
    const problem = problemOf();
    if (problem) return { field, problem };
  }
  return null;
}
