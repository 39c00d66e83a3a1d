/**
 * Image, video and audio types Darkroom accepts by default, and the magic bytes that prove a file is one of
 * them. Dependency-free and without Node's APIs: `@darkroom/core/content-types` is also what
 * @darkroom/client reads a File's type with when the browser gives none.
 */
export const DEFAULT_ACCEPTED_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/avif',
  'image/tiff',
  'image/heic',
  'image/heif',
  'video/mp4',
  'video/quicktime',
  'video/webm',
  'audio/mpeg',
  'audio/mp4',
  'audio/x-m4a',
  'audio/aac',
  'audio/wav',
  'audio/flac',
  'audio/ogg',
] as const;

/**
 * What an asset is, from its checked content type: a still or animated image, a video, or audio.
 * Here, beside the types that decide it, so this table imports nothing (the client copies it as is).
 */
export const ASSET_KINDS = ['image', 'video', 'audio'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

/** An asset's kind follows its (checked) content type. */
export function assetKindOf(contentType: string): AssetKind {
  if (contentType.startsWith('video/')) return 'video';
  return contentType.startsWith('audio/') ? 'audio' : 'image';
}

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
/** QuickTime's own brand: a `.mov`. */
const QUICKTIME_BRANDS = ['qt  '];
/** ISO base media brands of MP4 video (and Apple's M4V): `iso2`…`iso9`, `mp41`, `mp42`, `avc1`, … */
const MP4_BRANDS = [
  'isom',
  'iso2',
  'iso3',
  'iso4',
  'iso5',
  'iso6',
  'iso7',
  'iso8',
  'iso9',
  'mp41',
  'mp42',
  'mp71',
  'avc1',
  'M4V ',
  'M4VH',
  'M4VP',
  'MSNV',
  'dash',
  'mmp4',
  'XAVC',
];
/**
 * Top-level atoms a QuickTime file written before `ftyp` existed may start with. `free` and `skip`
 * are left out: any container may pad with them, so they prove nothing about what follows.
 */
const QUICKTIME_LEADING_ATOMS = ['moov', 'mdat', 'wide'];
/** iTunes' brands of audio in MP4 (`.m4a`, `.m4b` audiobooks, `.m4p`). */
const M4A_BRANDS = ['M4A ', 'M4B ', 'M4P '];
/** Matroska's EBML magic; a WebM says `webm` as its DocType within the first few dozen bytes. */
const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];

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
  if (M4A_BRANDS.includes(brands[0] ?? '')) return 'audio/mp4';
  // For video the major brand says what the file is; compatible brands decide only when it is one we don't list.
  return isoVideoType(brands.slice(0, 1)) ?? isoVideoType(brands.slice(1)) ?? otherVideoType(bytes) ?? audioType(bytes);
}

/**
 * Audio by its container's magic, or a raw stream's frame header: ADTS (AAC) is sync `0xFFF` with
 * layer 0; MPEG audio (MP3) is sync `0x7FF` with a real version, layer, bitrate and sample rate
 * (text never starts with a 0xFF byte). An ID3v2 tag is how most MP3s begin.
 */
function audioType(bytes: Uint8Array): string | null {
  if (startsWith(bytes, ascii('ID3'))) return 'audio/mpeg';
  if ((startsWith(bytes, ascii('RIFF')) || startsWith(bytes, ascii('RF64'))) && startsWith(bytes, ascii('WAVE'), 8)) return 'audio/wav';
  if (startsWith(bytes, ascii('fLaC'))) return 'audio/flac';
  if (startsWith(bytes, ascii('OggS'))) return 'audio/ogg';
  if (bytes.length < 4 || bytes[0] !== 0xff) return null;
  const [, b1 = 0, b2 = 0] = bytes;
  if ((b1 & 0xf6) === 0xf0) return 'audio/aac';
  const version = (b1 >> 3) & 3;
  const layer = (b1 >> 1) & 3;
  const bitrate = b2 >> 4;
  const sampleRate = (b2 >> 2) & 3;
  const mpegFrame = (b1 & 0xe0) === 0xe0 && version !== 1 && layer !== 0 && bitrate !== 0xf && sampleRate !== 3;
  return mpegFrame ? 'audio/mpeg' : null;
}

function isoVideoType(brands: string[]): string | null {
  if (brands.some((b) => QUICKTIME_BRANDS.includes(b))) return 'video/quicktime';
  if (brands.some((b) => MP4_BRANDS.includes(b))) return 'video/mp4';
  return null;
}

function otherVideoType(bytes: Uint8Array): string | null {
  if (QUICKTIME_LEADING_ATOMS.some((atom) => startsWith(bytes, ascii(atom), 4))) return 'video/quicktime';
  if (startsWith(bytes, EBML_MAGIC)) {
    // Latin-1 by hand, not Buffer: this table runs in browsers too (@darkroom/client sniffs a File with no type).
    const head = String.fromCharCode(...bytes.subarray(0, SNIFF_BYTES));
    if (head.includes('webm')) return 'video/webm';
    if (head.includes('matroska')) return 'video/x-matroska';
  }
  return null;
}

/**
 * Declared types a file of each sniffed type may rightly carry. A HEIC is a HEIF, and browsers send
 * either. MP4 and QuickTime are one family (ISO base media): an iPhone `.mov` may carry MP4 brands
 * and an MP4 renamed `.mov` plays as one.
 */
const ALSO_DECLARED_AS: Readonly<Record<string, readonly string[]>> = {
  'image/heic': ['image/heif'],
  'image/heif': ['image/heic'],
  'video/mp4': ['video/quicktime', 'audio/mp4', 'audio/x-m4a'],
  'video/quicktime': ['video/mp4'],
  'audio/mp4': ['audio/x-m4a'],
};

/** Whether content sniffed as `detected` is what a client declaring `declared` uploads (`complete`'s check). */
export function contentMatchesDeclared(declared: string, detected: string | null): boolean {
  if (detected === null) return false;
  return detected === declared || (ALSO_DECLARED_AS[detected]?.includes(declared) ?? false);
}
