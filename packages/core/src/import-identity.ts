/**
 * What makes two import items the same file (docs/api.md, imports: "never twice"), and how an item's
 * URL is shown. A presigned URL changes every time it is minted, though the object it names does not,
 * and its signature is a credential: both the identity and what answers and logs show leave out the
 * query parameters that signing adds. Dependency-free and without Node's APIs.
 */

/**
 * Query parameters a signature adds, matched whatever their case: S3 and B2 (`X-Amz-*`), Google Cloud
 * Storage's V4 (`X-Goog-*`) and V2 (`GoogleAccessId`, `Expires`, `Signature`), CloudFront (`Expires`,
 * `Signature`, `Key-Pair-Id`, `Policy`) and B2's own download authorization (`Authorization`).
 */
const SIGNING_PARAMETER = /^(x-amz-.*|x-goog-.*|expires|signature|key-pair-id|policy|googleaccessid|authorization)$/i;

/** A query parameter's name as its signer meant it (`X%2DAmz-…` is still a signature), or the raw text when it is not valid escaping. */
function parameterName(pair: string): string {
  const raw = pair.split('=', 1)[0]!.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * The URL as the WHATWG parser normalizes it (scheme and host lower-cased, a default port dropped, an
 * IPv4 address in any notation written dotted), without its fragment, its user and password, and the
 * signing parameters; the other parameters stay as written, in their order. Throws on a URL that does
 * not parse.
 */
function unsigned(text: string): URL {
  const url = new URL(text);
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !SIGNING_PARAMETER.test(parameterName(pair)));
  url.search = kept.length > 0 ? `?${kept.join('&')}` : '';
  url.hash = '';
  // A password is a credential like a signature, and another user's view of a file is the same file.
  url.username = '';
  url.password = '';
  return url;
}

/** The identity of a URL item without an `externalId`: two signatures of one object are one identity. */
export function urlIdentity(url: string): string {
  return unsigned(url).href;
}

/**
 * The identity of an object in a bucket: its bucket, key and ETag (the quotes around an ETag are not
 * part of it). The bucket is written up to the first `/` and the key up to the first `#`, each with
 * those and `%` escaped, so no two different objects, or versions of one, share an identity.
 */
export function bucketIdentity(bucket: string, key: string, etag: string): string {
  const percentEncode = (text: string, special: RegExp) => text.replace(special, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const tag = /^".*"$/s.test(etag) ? etag.slice(1, -1) : etag;
  return `${percentEncode(bucket, /[%/#]/g)}/${percentEncode(key, /[%#]/g)}#${tag}`;
}

/**
 * An item's URL as answers, events and logs show it: without the signing parameters, user and
 * password. Never throws: text that is not a URL is shown without its query, fragment and
 * what stands before an `@` in its host.
 */
export function displaySource(url: string): string {
  try {
    return unsigned(url).href;
  } catch {
    return url.replace(/[?#].*$/s, '').replace(/^([^/]*\/\/)[^/]*@/, '$1');
  }
}
