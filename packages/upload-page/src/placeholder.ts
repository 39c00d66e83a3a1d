import { thumbHashToDataURL } from 'thumbhash';

/**
 * The asset's ThumbHash (base64, `placeholder` in the API's Asset) as a tiny image the page can show
 * at once, blurred and stretched, while the real thumbnail loads. Undefined when it is missing or
 * does not decode: the thumbnail alone will do.
 */
export function placeholderUrl(thumbhash: string | null | undefined): string | undefined {
  if (!thumbhash) return undefined;
  try {
    const bytes = Uint8Array.from(atob(thumbhash), (c) => c.charCodeAt(0));
    return thumbHashToDataURL(bytes);
  } catch {
    return undefined;
  }
}
