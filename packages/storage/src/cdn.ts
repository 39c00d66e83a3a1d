import type { StorageConfig } from './config.js';

/** RFC 3986 unreserved characters stay; everything else, including `!'()*` that encodeURIComponent keeps, is escaped. */
function encodeKeySegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Escapes each segment but keeps the slashes, so the URL path mirrors the key. */
export function encodeObjectKey(key: string): string {
  return key.split('/').map(encodeKeySegment).join('/');
}

/**
 * Builds the public URL of an object in the public bucket: through the CDN when CDN_BASE_URL is set
 * (the CDN maps its root to the bucket), else straight from the bucket with a path-style URL.
 */
export function createPublicUrlBuilder(config: StorageConfig): (key: string) => string {
  const base = config.cdnBaseUrl
    ? config.cdnBaseUrl.replace(/\/+$/, '')
    : `${config.endpoint.replace(/\/+$/, '')}/${encodeKeySegment(config.publicBucket)}`;
  return (key) => `${base}/${encodeObjectKey(key)}`;
}
