/** Image types Darkroom accepts by default, and the magic bytes that prove a file is one of them. */
export const DEFAULT_ACCEPTED_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/avif',
  'image/tiff',
  'image/heic',
  'image/heif',
] as const;

/** How many leading bytes `sniffContentType` needs to see. */
export const SNIFF_BYTES = 64;

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((byte, i) => bytes[offset + i] === byte);
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

const AVIF_BRANDS = ['avif', 'avis'];
/** HEVC-coded HEIF (iPhone photos, sequences); `mif1`/`msf1` alone say only "a HEIF image (sequence)". */
const HEIC_BRANDS = ['heic', 'heix', 'hevc', 'hevx'];
const HEIF_BRANDS = ['mif1', 'msf1'];

/** Reads the ISO-BMFF `ftyp` box: major brand plus compatible brands. */
function ftypBrands(bytes: Uint8Array): string[] {
  if (!startsWith(bytes, ascii('ftyp'), 4)) return [];
  const boxSize = Math.min(((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0, bytes.length);
  const brands: string[] = [];
  for (let at = 8; at + 4 <= boxSize; at += 4) {
    if (at === 12) continue; // minor version, not a brand
    brands.push(String.fromCharCode(...bytes.subarray(at, at + 4)));
  }
  return brands;
}

/**
 * The MIME type the file's first bytes prove, or null when they prove none we know.
 * Never trusts the declared type or the filename.
 */
export function sniffContentType(bytes: Uint8Array): string | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  const brands = ftypBrands(bytes);
  if (brands.some((b) => AVIF_BRANDS.includes(b))) return 'image/avif';
  if (brands.some((b) => HEIC_BRANDS.includes(b))) return 'image/heic';
  if (brands.some((b) => HEIF_BRANDS.includes(b))) return 'image/heif';
  return null;
}

/** Declared types a file of each sniffed type may rightly carry: a HEIC is a HEIF, and browsers send either. */
const ALSO_DECLARED_AS: Readonly<Record<string, readonly string[]>> = {
  'image/heic': ['image/heif'],
  'image/heif': ['image/heic'],
};

/** Whether content sniffed as `detected` is what a client declaring `declared` uploads. */
export function contentMatchesDeclared(declared: string, detected: string | null): boolean {
  if (detected === null) return false;
  return detected === declared || (ALSO_DECLARED_AS[detected]?.includes(declared) ?? false);
}
