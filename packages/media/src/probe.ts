import { ERRORS } from '@darkroom/core/error-factories';
import sharp, { type FormatEnum, type Metadata } from 'sharp';
import { assertClaimedPixels } from './claimed-size.js';
import { readHeifHeader, type HeifHeader } from './heif/header.js';
import { firstLine } from './sharp-errors.js';
import { assertAcceptedSignature } from './signature.js';
import type { ImageFormat, ImageInput, ImageProbe, SafetyOptions } from './types.js';

/**
 * An allowlist rather than "whatever libvips can open": the prebuilt libvips also reads SVG
 * (external references, script-like complexity) and other formats we never accept on upload.
 */
const DECODABLE: Partial<Record<keyof FormatEnum, ImageFormat>> = {
  jpeg: 'jpeg',
  png: 'png',
  webp: 'webp',
  gif: 'gif',
  tiff: 'tiff',
};

/** Only GIF and WebP animations survive into WebP output; multi-page TIFF/HEIF render their first/primary page. */
const ANIMATABLE = new Set<ImageFormat>(['gif', 'webp']);

/** Types whose files are HEIF containers (ISO BMFF with a `meta` box): their structure is checked by us first. */
const HEIF_CONTAINERS = new Set(['image/heic', 'image/heif', 'image/avif']);

/**
 * The gate every untrusted original passes before anything decodes it, in the worker and in the
 * admin preview alike. First the magic bytes, read by us: a file that is empty or does not start
 * as an accepted format (SVG, PDF…) is refused before libvips parses anything. Then the header
 * only (sharp `metadata()` never decodes pixels), so a decompression bomb is rejected from its
 * declared size before a single row is inflated. The size a header claims is read by us before
 * that (claimed-size.ts), since libvips calls some claims too large for it corrupt instead of
 * reporting them. HEIF containers (HEIC, AVIF) have their box structure read by our own bounded
 * parser before libheif sees them (heif/header.ts): too many pixels or tiles, or data past the end
 * of the file, are refused there.
 */
export async function probeImage(input: ImageInput, options: SafetyOptions): Promise<ImageProbe> {
  const sniffed = await assertAcceptedSignature(input);
  const heif = HEIF_CONTAINERS.has(sniffed) ? await readHeifHeader(input, options.maxInputPixels) : null;
  if (!heif) await assertClaimedPixels(input, sniffed, options.maxInputPixels);
  const metadata = await readHeader(input);
  const probe = toProbe(metadata, decodableFormat(metadata, heif));
  assertPixelBudget(probe, options.maxInputPixels);
  return probe;
}

async function readHeader(input: ImageInput): Promise<Metadata> {
  try {
    // No pixel limit here: we want the dimensions to say how far over the limit the image is.
    return await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw classifyHeaderError(error);
  }
}

function classifyHeaderError(error: unknown): unknown {
  if (!(error instanceof Error) || typeof (error as NodeJS.ErrnoException).code === 'string') return error;
  if (error.message.startsWith('Input file is missing')) return error; // our bug or storage, not the user's file
  if (error.message.includes('unsupported image format')) {
    return ERRORS.notAnAcceptedImage({ cause: firstLine(error) });
  }
  // "Input file has corrupt header: …" and anything else libvips can't parse in the header.
  return ERRORS.corruptImageHeader(firstLine(error));
}

/**
 * HEIF is a container: AV1 inside is AVIF (decoded by sharp's own libheif), HEVC inside is HEIC
 * (decoded by libheif's WASM build in a thread: heif/decode.ts, as sharp's prebuilt libheif has no
 * HEVC decoder). Our parser and libvips must agree on the codec, else the file is not what it seems.
 */
function decodableFormat(metadata: Metadata, heif: HeifHeader | null): ImageFormat {
  if (metadata.format === 'heif') {
    const codec = metadata.compression === 'av1' ? 'av1' : metadata.compression === 'hevc' ? 'hevc' : null;
    if (!heif || codec !== heif.codec) {
      throw ERRORS.corruptImage(`the HEIF structure says ${heif?.codec ?? 'nothing'} but libheif reads ${metadata.compression ?? 'nothing'}`);
    }
    return codec === 'av1' ? 'avif' : 'heif';
  }
  const format = DECODABLE[metadata.format];
  if (!format) throw ERRORS.formatNotAccepted(metadata.format);
  return format;
}

function toProbe(metadata: Metadata, format: ImageFormat): ImageProbe {
  const pages = metadata.pages ?? 1;
  const animated = pages > 1 && ANIMATABLE.has(format);
  // Without `pages: -1`, metadata() reports one frame's height for animations.
  // Animations are not auto-oriented (see render-animated.ts), so they report stored dimensions.
  const upright = animated ? { width: metadata.width, height: metadata.height } : displayedSize(metadata);
  return {
    format,
    width: upright.width,
    height: upright.height,
    pages,
    animated,
    hasAlpha: metadata.hasAlpha,
    orientation: metadata.orientation ?? 1,
  };
}

function displayedSize(metadata: Metadata): { width: number; height: number } {
  if (metadata.autoOrient) return metadata.autoOrient;
  const swap = (metadata.orientation ?? 1) >= 5;
  return swap ? { width: metadata.height, height: metadata.width } : { width: metadata.width, height: metadata.height };
}

/** Per frame, and for animations all frames together: libvips decodes an animation as one tall image. */
function assertPixelBudget(probe: ImageProbe, maxInputPixels: number): void {
  const frames = probe.animated ? probe.pages : 1;
  if (probe.width * probe.height * frames > maxInputPixels) {
    throw ERRORS.tooManyPixels(probe.width, probe.height, frames, maxInputPixels);
  }
}
