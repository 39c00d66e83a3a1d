import { variantPrefix } from '@darkroom/core/keys';

/** What `rest` in a private URL names, inside its asset only. */
export type PrivateRest = { kind: 'object'; key: string } | { kind: 'image'; revision: string; options: string; signature: string | undefined };

/**
 * Path segments as the URL sends them, never decoded: letters, digits and `. _ , -`. So no `%`
 * (an encoded slash or dot), no backslash, and nothing but plain names reaches a key.
 */
const SEGMENT = /^[A-Za-z0-9._,-]{1,200}$/;
const MAX_SEGMENTS = 8;

/**
 * `rest` as sent (after `/p/{exp}/{sig}/{assetId}/`): `img/{revision}/{options}[/{signature}]`, an
 * image on request, or else the key of one of the asset's objects below its variant prefix. Null
 * when it cannot name anything of the asset: any `.` or `..` segment, an empty one, an encoded or
 * unusual character.
 */
export function parsePrivateRest(rest: string, asset: { tenantId: string; id: string }): PrivateRest | null {
  const segments = rest.split('/');
  if (segments.length > MAX_SEGMENTS) return null;
  if (!segments.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..')) return null;
  if (segments[0] === 'img') {
    const [, revision, options, signature, ...more] = segments;
    if (revision === undefined || options === undefined || more.length > 0) return null;
    return { kind: 'image', revision, options, signature };
  }
  return { kind: 'object', key: `${variantPrefix(asset.tenantId, asset.id)}${segments.join('/')}` };
}
