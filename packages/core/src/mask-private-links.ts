import { ASSET_ID_PATTERN, PRIVATE_EXP_PATTERN, PRIVATE_PATH_SEGMENT } from './private-links.js';

/** What a log line shows in place of a private link's signature (pino's own word for what it redacts). */
export const MASKED_SIGNATURE = '[Redacted]';

/** A path separator as a URL may carry it: plain, or percent-encoded by a client that encoded the path twice. */
const SEPARATOR = String.raw`(?:\/|%2[Ff])`;
/** `/p/` and what follows it, up to what ends a URL in a log line (white space, a quote, a bracket, a JSON escape). */
const PRIVATE_PATH_IN_TEXT = new RegExp(`${SEPARATOR}${PRIVATE_PATH_SEGMENT}${SEPARATOR}[^\\s"'<>\\\\]*`, 'g');
const SEPARATOR_SPLIT = new RegExp(`(${SEPARATOR})`);

/**
 * `text` with every private link's signature masked, wherever in it a link is (a request line's
 * URL, an error's message or stack, a header): `/p/{exp}/[Redacted]/{assetId}/{rest}`. A private
 * link is a bearer credential until its `exp`, so no log line may carry one. Whatever stands
 * between `/p/` and the asset id is masked, a well-formed `exp` apart, so a link sent malformed
 * (a doubled slash, a signature with a character too many) is masked too; a link with no asset id
 * keeps nothing after its `exp`. Applying it twice changes nothing more.
 */
export function maskPrivateLinks(text: string): string {
  return text.replace(PRIVATE_PATH_IN_TEXT, maskedPath);
}

function maskedPath(path: string): string {
  // Segments at even indexes, the separators between them at odd ones: ['', '/', 'p', '/', exp, …].
  const parts = path.split(SEPARATOR_SPLIT);
  const from = PRIVATE_EXP_PATTERN.test(parts[4] ?? '') ? 6 : 4;
  let assetAt = -1;
  for (let at = from; at < parts.length && assetAt < 0; at += 2) if (ASSET_ID_PATTERN.test(parts[at]!)) assetAt = at;
  const end = assetAt < 0 ? parts.length : assetAt - 1;
  // Nothing between them (`/p/{exp}/{assetId}`, or `/p/` alone): nothing to mask.
  if (parts.slice(from, end).join('') === '') return path;
  return `${parts.slice(0, from).join('')}${MASKED_SIGNATURE}${parts.slice(end).join('')}`;
}
