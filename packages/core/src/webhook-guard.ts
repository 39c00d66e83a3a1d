import { lookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';

/**
 * The SSRF guard of webhooks: a tenant names the URL, and the worker POSTs to it from inside the
 * deployment, so a URL must never reach the deployment's own network (metadata services, Postgres,
 * Redis, the admin console). URLs are checked when created or changed, and every connection checks
 * the addresses it is about to use (`guardedLookup`), so a name that resolved to a public address
 * at creation cannot rebind to a private one later. A URL import connects through the same lookup: a
 * tenant names those URLs too.
 */

export const MAX_WEBHOOK_URL_LENGTH = 2048;

type Range = readonly [base: readonly number[], bits: number];

const v4 = (text: string): number[] => text.split('.').map(Number);
const V4_NOT_PUBLIC: Range[] = [
  [v4('0.0.0.0'), 8], // "this network", incl. the unspecified address
  [v4('10.0.0.0'), 8],
  [v4('100.64.0.0'), 10], // carrier-grade NAT
  [v4('127.0.0.0'), 8],
  [v4('169.254.0.0'), 16], // link-local: cloud metadata services live here
  [v4('172.16.0.0'), 12],
  [v4('192.0.0.0'), 24],
  [v4('192.0.2.0'), 24],
  [v4('192.88.99.0'), 24],
  [v4('192.168.0.0'), 16],
  [v4('198.18.0.0'), 15],
  [v4('198.51.100.0'), 24],
  [v4('203.0.113.0'), 24],
  [v4('224.0.0.0'), 4], // multicast
  [v4('240.0.0.0'), 4], // reserved, incl. broadcast
];

const v6 = (text: string): number[] => ipv6Bytes(text)!;
/** Inside 2000::/3 (the only global unicast space), these are still not for us to reach. */
const V6_NOT_PUBLIC: Range[] = [
  [v6('2001::'), 23], // IETF protocol assignments (Teredo, benchmarking, ORCHID)
  [v6('2001:db8::'), 32], // documentation
  [v6('3fff::'), 20], // documentation
];

function inRange(bytes: readonly number[], [base, bits]: Range): boolean {
  for (let i = 0; i < bits; i += 8) {
    const take = Math.min(8, bits - i);
    const mask = (0xff << (8 - take)) & 0xff;
    if (((bytes[i / 8] ?? 0) & mask) !== ((base[i / 8] ?? 0) & mask)) return false;
  }
  return true;
}

function ipv4Bytes(text: string): number[] | null {
  return isIP(text) === 4 ? v4(text) : null;
}

/** 16 bytes of an IPv6 address (zone id dropped, a trailing dotted quad folded in), or null. */
function ipv6Bytes(text: string): number[] | null {
  let address = text.split('%')[0]!;
  if (isIP(address) !== 6) return null;
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (quad) {
    const [a, b, c, d] = v4(quad[1]!) as [number, number, number, number];
    address = `${address.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left = '', right] = address.split('::');
  const head = left ? left.split(':') : [];
  const tail = right ? right.split(':') : [];
  const words = [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail].map((w) => parseInt(w, 16));
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

function isPublicV6(bytes: number[]): boolean {
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) reach the IPv4 address they embed.
  if (inRange(bytes, [v6('::ffff:0:0'), 96]) || inRange(bytes, [v6('64:ff9b::'), 96])) {
    return isPublicAddress(bytes.slice(12).join('.'));
  }
  if (inRange(bytes, [v6('2002::'), 16])) return isPublicAddress(bytes.slice(2, 6).join('.')); // 6to4
  return inRange(bytes, [v6('2000::'), 3]) && !V6_NOT_PUBLIC.some((range) => inRange(bytes, range));
}

/**
 * Whether an IP address is one the public internet routes: not private, loopback, link-local,
 * multicast, unspecified, reserved or documentation space, in IPv4 or IPv6 (IPv4-mapped and
 * NAT64 addresses are judged by the IPv4 address inside). Anything unreadable is not public.
 */
export function isPublicAddress(address: string): boolean {
  const bytes4 = ipv4Bytes(address);
  if (bytes4) return !V4_NOT_PUBLIC.some((range) => inRange(bytes4, range));
  const bytes6 = ipv6Bytes(address);
  return bytes6 ? isPublicV6(bytes6) : false;
}

export interface WebhookUrlPolicy {
  /** WEBHOOK_ALLOW_PRIVATE (development and tests only): http:// and any address. */
  allowPrivate: boolean;
}

/** The host of a URL without IPv6 brackets. */
export const bareHost = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** What is wrong with a webhook URL on its face (no DNS), in words for the tenant; null when nothing is. */
export function webhookUrlProblem(text: string, policy: WebhookUrlPolicy): string | null {
  if (text.length > MAX_WEBHOOK_URL_LENGTH) return `the url is longer than ${MAX_WEBHOOK_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'the url is not an absolute URL';
  }
  const schemes = policy.allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) return policy.allowPrivate ? 'the url must use https:// or http://' : 'the url must use https://';
  if (url.username || url.password) return 'the url must not carry credentials (user:password@)';
  const host = bareHost(url);
  if (!host) return 'the url has no host';
  if (!policy.allowPrivate && isIP(host) && !isPublicAddress(host)) {
    return 'the url points at a private, loopback, link-local or otherwise non-public address';
  }
  return null;
}

export type ResolvedAddress = { address: string; family: number };
/** Every address a host name resolves to (a stub in tests). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** Thrown at connect time when a webhook's host resolves to an address the guard refuses. */
export class WebhookAddressError extends Error {
  readonly code = 'EWEBHOOKADDRESS';
  constructor(hostname: string) {
    super(`refused: ${hostname} resolves to a non-public address`);
    this.name = 'WebhookAddressError';
  }
}

/** Which addresses a guarded connection may go to: the public ones, or fewer in a test (its own loopback server alone). */
export type AddressPolicy = (address: string) => boolean;

/** The addresses of `hostname` if `isAllowed` takes every one; throws WebhookAddressError otherwise (literal IPs included). */
export async function resolvePublic(
  hostname: string,
  resolve: Resolver = systemResolver,
  isAllowed: AddressPolicy = isPublicAddress,
): Promise<ResolvedAddress[]> {
  const family = isIP(hostname);
  const addresses = family ? [{ address: hostname, family }] : await resolve(hostname);
  if (addresses.length === 0) throw Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' });
  // Every address, not only the one picked: a host that mixes a public and a private record is refused.
  if (addresses.some((a) => !isAllowed(a.address))) throw new WebhookAddressError(hostname);
  return addresses;
}

/**
 * A `lookup` for `http.request`/`net.connect`: the connection goes only to addresses this very
 * lookup checked, so DNS cannot rebind between a check and the connect.
 */
export function guardedLookup(resolve: Resolver = systemResolver, isAllowed: AddressPolicy = isPublicAddress): LookupFunction {
  return (hostname, options, callback) => {
    resolvePublic(hostname, resolve, isAllowed).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
        if (wanted.length === 0)
          return callback(Object.assign(new Error(`${hostname} has no IPv${options.family} address`), { code: 'ENOTFOUND' }), '', 0);
        if (options.all) return (callback as unknown as (e: null, all: ResolvedAddress[]) => void)(null, wanted);
        callback(null, wanted[0]!.address, wanted[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

/**
 * The full check when a webhook is created or its URL changed: the URL's face, then (unless
 * WEBHOOK_ALLOW_PRIVATE) every address its host resolves to. A problem in words, or null.
 */
export async function checkWebhookUrl(text: string, policy: WebhookUrlPolicy, resolve: Resolver = systemResolver): Promise<string | null> {
  const problem = webhookUrlProblem(text, policy);
  if (problem || policy.allowPrivate) return problem;
  const host = bareHost(new URL(text));
  try {
    await resolvePublic(host, resolve);
    return null;
  } catch (error) {
    if (error instanceof WebhookAddressError) return 'the url’s host resolves to a private, loopback, link-local or otherwise non-public address';
    return 'the url’s host does not resolve';
  }
}
