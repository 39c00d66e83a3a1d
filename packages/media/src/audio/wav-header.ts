import { ERRORS } from '@darkroom/core/error-factories';

/** A `data` size writers put when they could not seek back to fill it in (a stream, a pipe): "up to the end". */
const UNKNOWN_SIZES = new Set([0, 0xffffffff]);

const ascii = (bytes: Uint8Array, at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
const uint32 = (bytes: Uint8Array, at: number) => (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;

/**
 * Where a WAV's `data` chunk starts and how many bytes it claims, from the chunks in the file's
 * first bytes; null when the bytes are not a RIFF WAVE or its `data` chunk is not among them.
 */
export function wavDataChunk(head: Uint8Array): { offset: number; size: number } | null {
  if (head.length < 12 || ascii(head, 0) !== 'RIFF' || ascii(head, 8) !== 'WAVE') return null;
  for (let at = 12; at + 8 <= head.length; ) {
    const size = uint32(head, at + 4);
    if (ascii(head, at) === 'data') return { offset: at + 8, size };
    at += 8 + size + (size % 2); // chunks are padded to an even length
  }
  return null;
}

/**
 * A WAV whose header claims more sound than the file holds was cut short (or lies): ffmpeg would
 * quietly play what is there, so it is refused as damaged instead. An RF64 file (over 4 GiB) keeps
 * its sizes elsewhere and is left to the probe.
 */
export function assertWavHeaderFits(head: Uint8Array, fileSize: number): void {
  const data = wavDataChunk(head);
  if (!data || UNKNOWN_SIZES.has(data.size)) return;
  const held = Math.max(0, fileSize - data.offset);
  if (data.size > held) {
    throw ERRORS.corruptAudio(`the WAV header claims ${data.size} bytes of sound; the file holds ${held}`, {
      claimedBytes: data.size,
      heldBytes: held,
    });
  }
}
