import type { FaceBox } from '@darkroom/core/contract/asset';
import type { FaceRedaction } from '@darkroom/core/delivery';
import type { ImageVariantSpec } from '@darkroom/core/presets';

/** Formats the pipeline decodes. AVIF is reported as `avif` even though libvips reads it with its HEIF loader. */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif' | 'tiff' | 'heif';

/** What the file header says, read before any pixel is decoded. */
export interface ImageProbe {
  format: ImageFormat;
  /** As displayed: EXIF orientations 5–8 swap the stored width and height. For animations, one frame. */
  width: number;
  height: number;
  /** Frames (or TIFF pages); 1 for a still image. */
  pages: number;
  /** A GIF or WebP with more than one frame; rendered as an animated WebP. */
  animated: boolean;
  hasAlpha: boolean;
  /** EXIF orientation 1–8 (1 when the file has none). */
  orientation: number;
}

export interface RenderedVariant {
  spec: ImageVariantSpec;
  specHash: string;
  /** What the bytes are (`variantOutputHash`): variants of one render with the same hash share one encode, and `data`. */
  outputHash: string;
  data: Buffer;
  /** Of the output (one frame for animations). */
  width: number;
  height: number;
  /** Bytes of `data`. */
  size: number;
  format: ImageVariantSpec['format'];
  contentType: string;
  /** The face redaction its pixels carry; null: none (no policy, or no face known). */
  redaction: FaceRedaction | null;
  /** The encoder quality it was written at: the spec's number, or what a `q_auto` search chose (100: lossless WebP); null for PNG. */
  quality: number | null;
}

/**
 * Decoded pixels: upright, sRGB, 8 bits per channel, 3 channels (RGB) or 4 (RGBA).
 * Rendering keeps one of these so the placeholder can be computed without decoding the file again.
 */
export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
}

export interface Placeholder {
  /** ThumbHash bytes, base64 (standard alphabet, with padding). */
  thumbhash: string;
  /** `#rrggbb`, lower case. */
  dominantColor: string;
}

/** An original as the pipeline reads it: a file path (the worker) or its bytes (the admin preview). */
export type ImageInput = string | Buffer;

export interface SafetyOptions {
  /** Largest width×height accepted (all frames together for animations). */
  maxInputPixels: number;
}

/** How an image is cut: its crop (displayed pixels) and focus (0..1 of the whole displayed image). */
export interface Framing {
  crop: { x: number; y: number; width: number; height: number } | null;
  focus: { x: number; y: number } | null;
}

/** A decode's admission to its process's memory budget (a worker's render gate). */
export interface DecodeAdmission {
  /**
   * Called with the source's pixel count once its header is read, before anything is decoded; the
   * decode waits for it, and calls what it returns when done. Unset: decoded at once.
   */
  admit?: (pixels: number) => Promise<() => void>;
}

export interface RenderOptions extends SafetyOptions, DecodeAdmission {
  /**
   * The asset's crop and focus: every variant (and the placeholder) is cut from the crop, and
   * `cover` boxes centre on the focus. Unset, or both null: the whole image, centred.
   */
  framing?: Framing | undefined;
  /** Stop a libvips pipeline that runs longer than this. Unset or 0: no limit. */
  timeoutSeconds?: number;
  /**
   * How many more variants may encode beside this render's own one, asked once the pixels are
   * decoded (a worker's idle render slots). Unset: none, one variant after another.
   */
  spareEncodes?: () => number;
  /**
   * Cover these faces in every variant (a tenant policy's `enforceFaceRedaction`), as delivery's
   * face effects do at their least strength. Unset, or no faces: nothing covered.
   */
  redaction?: VariantRedaction | undefined;
}

/** The faces a render covers, and how. */
export interface VariantRedaction {
  effect: FaceRedaction;
  /** Fractions of the whole displayed image (not the crop), as an asset's `faces`. */
  faces: readonly FaceBox[];
}
