/**
 * Waveform peaks in the audiowaveform (and peaks.js) JSON format, version 2, one channel, 8 bits:
 * each pixel is the min and max of `samples_per_pixel` samples of the mono mix, scaled from 16 to
 * 8 bits the way audiowaveform scales them (an arithmetic shift by 8).
 */
export interface WaveformJson {
  version: 2;
  channels: 1;
  sample_rate: number;
  samples_per_pixel: number;
  bits: 8;
  /** Pixels: `data` holds two values (min, max) for each. */
  length: number;
  data: number[];
}

/** Samples per pixel for `points` per second: at least one sample. */
export function samplesPerPixel(sampleRate: number, points: number): number {
  return Math.max(1, Math.round(sampleRate / points));
}

/**
 * Builds a waveform from 16-bit little-endian mono PCM fed in chunks of any size (a sample may be
 * split across two chunks). Memory is the peaks only: two bytes a pixel, whatever the audio's length.
 */
export class WaveformBuilder {
  readonly samplesPerPixel: number;
  private peaks: Int8Array;
  private pixels = 0;
  private inPixel = 0;
  private min = 0;
  private max = 0;
  /** The first byte of a sample whose second byte is in the next chunk. */
  private carry: number | undefined;

  constructor(
    readonly sampleRate: number,
    points: number,
    /** Pixels expected (from the duration): the first allocation; it grows if the audio runs longer. */
    expectedPixels = 1024,
  ) {
    if (!(sampleRate > 0) || !(points > 0)) throw new Error('WaveformBuilder: sampleRate and points must be positive');
    this.samplesPerPixel = samplesPerPixel(sampleRate, points);
    this.peaks = new Int8Array(2 * Math.max(16, Math.ceil(expectedPixels) + 1));
  }

  /** Feeds PCM bytes (s16le, mono). */
  push(chunk: Buffer): void {
    let offset = 0;
    if (this.carry !== undefined && chunk.length > 0) {
      this.sample((chunk[0]! << 8) | this.carry);
      this.carry = undefined;
      offset = 1;
    }
    const whole = offset + ((chunk.length - offset) & ~1);
    // An Int16Array view needs an even byte offset; Buffers from a pipe usually have one, so copying is rare.
    const start = chunk.byteOffset + offset;
    const samples =
      start % 2 === 0
        ? new Int16Array(chunk.buffer, start, (whole - offset) / 2)
        : new Int16Array(Uint8Array.prototype.slice.call(chunk, offset, whole).buffer);
    for (let i = 0; i < samples.length; i++) this.sample(samples[i]!);
    if (whole < chunk.length) this.carry = chunk[whole]!;
  }

  private sample(raw: number): void {
    const value = raw > 32767 ? raw - 65536 : raw; // only the carried sample arrives unsigned
    if (this.inPixel === 0) {
      this.min = value;
      this.max = value;
    } else if (value < this.min) this.min = value;
    else if (value > this.max) this.max = value;
    if (++this.inPixel === this.samplesPerPixel) this.flush();
  }

  private flush(): void {
    if (2 * this.pixels + 2 > this.peaks.length) {
      const grown = new Int8Array(this.peaks.length * 2);
      grown.set(this.peaks);
      this.peaks = grown;
    }
    this.peaks[2 * this.pixels] = this.min >> 8;
    this.peaks[2 * this.pixels + 1] = this.max >> 8;
    this.pixels++;
    this.inPixel = 0;
  }

  /** The waveform so far; a last, partial pixel counts as one. */
  toJson(): WaveformJson {
    if (this.inPixel > 0) this.flush();
    return {
      version: 2,
      channels: 1,
      sample_rate: this.sampleRate,
      samples_per_pixel: this.samplesPerPixel,
      bits: 8,
      length: this.pixels,
      data: Array.from(this.peaks.subarray(0, 2 * this.pixels)),
    };
  }
}
