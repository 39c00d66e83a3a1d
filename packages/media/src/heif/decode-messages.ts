/** What the main thread and the HEIF decode thread (decode-thread.ts) send each other. */

export interface DecodeRequest {
  /** A file path (the worker) or the file's bytes (the admin preview; transferred, not copied). */
  input: string | Uint8Array;
  maxInputPixels: number;
  /** Bytes left free in front of the pixels (for a TIFF header: see tiff.ts). */
  reserve: number;
}

export type DecodeReply =
  | { ok: true; width: number; height: number; channels: 3 | 4; pixels: ArrayBuffer }
  | { ok: false; kind: 'corrupt' | 'unsupported' | 'limit' | 'error'; message: string }
  | { ok: false; kind: 'pixels'; width: number; height: number };
