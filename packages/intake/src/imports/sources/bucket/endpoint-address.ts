import { isIP, type LookupFunction } from 'node:net';
import { ERRORS } from '@darkroom/core/error-factories';
import { isPublicAddress, systemResolver, type ResolvedAddress, type Resolver } from '@darkroom/core/webhook-guard';

/** Which addresses a tenant's endpoint may be reached at. */
export interface AddressPolicy {
  /** IMPORT_ALLOW_PRIVATE (development and tests): any address. */
  allowPrivate: boolean;
  /** Every address a name resolves to (a stub in tests); the system's DNS by default. */
  resolve?: Resolver | undefined;
  /** In place of "a public address" (tests: one loopback address and not another). */
  isAllowedAddress?: ((address: string) => boolean) | undefined;
}

const doesNotResolve = () => ERRORS.sourceUnreachable('bucket', 'the endpoint’s host name does not resolve');

/** The addresses of `host`, looked up once: a literal address is its own. */
export async function addressesOf(host: string, resolve: Resolver = systemResolver): Promise<ResolvedAddress[]> {
  const family = isIP(host);
  if (family) return [{ address: host, family }];
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolve(host);
  } catch {
    throw doesNotResolve();
  }
  if (addresses.length === 0) throw doesNotResolve();
  return addresses;
}

/**
 * Every address `host` resolves to, each allowed by the policy, or `blocked_address` when one is
 * not: a name that mixes a public and a private address is refused, since either may be picked.
 */
export async function checkedAddresses(host: string, policy: AddressPolicy): Promise<ResolvedAddress[]> {
  const addresses = await addressesOf(host, policy.resolve);
  const allowed = policy.isAllowedAddress ?? isPublicAddress;
  if (!policy.allowPrivate && addresses.some((a) => !allowed(a.address))) throw ERRORS.blockedAddress('The bucket endpoint');
  return addresses;
}

/**
 * A `lookup` for the connections to one host that answers only the addresses already checked for
 * it: no second DNS query, so a name cannot rebind to another address between the check and a
 * connection, however long the import runs.
 */
export function pinnedLookup(host: string, addresses: readonly ResolvedAddress[]): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 4 || options.family === 6 ? options.family : undefined;
    const wanted = hostname === host ? addresses.filter((a) => family === undefined || a.family === family) : [];
    if (wanted.length === 0) {
      return callback(Object.assign(new Error('no checked address for this host'), { code: 'ENOTFOUND' }), '', 0);
    }
    if (options.all) return (callback as unknown as (error: null, all: ResolvedAddress[]) => void)(null, wanted);
    callback(null, wanted[0]!.address, wanted[0]!.family);
  };
}
