import { BadMediaError } from '@darkroom/core';
import sharp, { type FormatEnum, type Metadata } from 'sharp';
import { firstLine, formatNotAccepted, heicUnsupported, notAnAcceptedImage, tooManyPixels } from './sharp-errors.js';
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

/**
 * The gate every untrusted original passes before anything decodes it, in the worker and in the
 * admin preview alike. First the magic bytes, read by us: a file that is empty or does not start
 * as an accepted format (SVG, PDF…) is refused before libvips parses anything. Then the header
 * only (sharp `metadata()` never decodes pixels), so a decompression bomb is rejected from its
 * declared size before a single row is inflated.
 */
export async function probeImage(input: ImageInput, options: SafetyOptions): Promise<ImageProbe> {
  await assertAcceptedSignature(input);
  const metadata = await readHeader(input);
  const probe = toProbe(metadata, decodableFormat(metadata));
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
    return notAnAcceptedImage({ cause: firstLine(error) });
  }
  // "Input file has corrupt header: …" and anything else libvips can't parse in the header.
  return new BadMediaError(
    'corrupt_image',
    "The image header is damaged, so the file can't be read. Check that the original opens, then upload it again.",
    { cause: firstLine(error) },
  );
}

/**
 * HEIF is a container: AV1 inside is AVIF (decodable with the prebuilt libvips), HEVC inside is
 * iPhone HEIC (not decodable: sharp's prebuilt libheif has no libde265). metadata() succeeds for
 * both, and decoding HEIC only fails later, so the decision has to be made from `compression`.
 */
function decodableFormat(metadata: Metadata): ImageFormat {
  if (metadata.format === 'heif') {
    if (metadata.compression === 'av1') return 'avif';
    if (metadata.compression === 'hevc' && canDecodeHevc()) return 'heif';
    throw heicUnsupported({ format: 'heif', compression: metadata.compression });
  }
  const format = DECODABLE[metadata.format];
  if (!format) throw formatNotAccepted(metadata.format);
  return format;
}

/**
 * libvips lists `.heic` among the HEIF loader's suffixes only when libheif has an HEVC decoder
 * (the prebuilt binaries list just `.avif`), so a custom libvips build with libde265 is honoured.
 */
function canDecodeHevc(): boolean {
  return sharp.format.heif.input.fileSuffix?.includes('.heic') ?? false;
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
    throw tooManyPixels(probe.width, probe.height, frames, maxInputPixels);
  }
}
