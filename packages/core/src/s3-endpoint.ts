/**
 * What an S3 endpoint says of its signing region. Read by storage's settings, the backups' and the
 * import command's; dependency-free, as the client ships a copy (packages/client/scripts/vendored.json).
 */

/** The region any S3-compatible server takes unless it names one (Ceph RGW, MinIO, R2 all take it). */
export const DEFAULT_S3_REGION = 'us-east-1';

/** B2 and AWS endpoints name their region: `https://s3.us-west-004.backblazeb2.com` → `us-west-004`. */
export function regionFromEndpoint(endpoint: string): string | undefined {
  let hostname: string;
  try {
    hostname = new URL(endpoint).hostname;
  } catch {
    return undefined;
  }
  const match = /^s3\.([a-z0-9-]+)\.backblazeb2\.com$/.exec(hostname) ?? /^s3[.-]([a-z]{2}-[a-z]+-\d+)\.amazonaws\.com$/.exec(hostname);
  return match?.[1];
}
