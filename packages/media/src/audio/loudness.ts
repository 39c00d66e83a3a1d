/**
 * What ffmpeg's `loudnorm` filter measured of an input (EBU R128): the first pass of a two-pass
 * normalisation, whose gain and peak headroom the second pass is planned from.
 */
export interface LoudnessMeasure {
  /** Integrated loudness, LUFS. */
  integrated: number;
  /** True peak, dBTP. */
  truePeak: number;
  /** Loudness range, LU. */
  range: number;
  /** The relative gate's threshold, LUFS. */
  threshold: number;
}

/** The JSON block `loudnorm=print_format=json` prints to stderr when the filter closes. */
interface LoudnormJson {
  input_i?: string;
  input_tp?: string;
  input_lra?: string;
  input_thresh?: string;
}

/**
 * Reads loudnorm's JSON from the end of ffmpeg's stderr. Null when the audio is silent throughout
 * (loudnorm says `-inf`: nothing is above the -70 LUFS gate, so there is no integrated loudness);
 * undefined when no block is there (ffmpeg failed before the filter closed).
 */
export function parseLoudnorm(stderr: string): LoudnessMeasure | null | undefined {
  const start = stderr.lastIndexOf('{');
  const end = stderr.lastIndexOf('}');
  if (start < 0 || end < start) return undefined;
  let json: LoudnormJson;
  try {
    json = JSON.parse(stderr.slice(start, end + 1)) as LoudnormJson;
  } catch {
    return undefined;
  }
  if (json.input_i === undefined) return undefined;
  const measure = {
    integrated: Number(json.input_i),
    truePeak: Number(json.input_tp),
    range: Number(json.input_lra),
    threshold: Number(json.input_thresh),
  };
  return Object.values(measure).every(Number.isFinite) ? measure : null;
}

/**
 * The true peak the second pass aims under, dBTP: the contract's -1 less 0.5 dB for the overshoot of
 * a lossy encoder (AAC and Opus add a few tenths on transients).
 */
export const TRUE_PEAK_CEILING = -1.5;

/** How many times the output rate the limiter runs at: peaks between samples show at 4× (BS.1770's true peak). */
const OVERSAMPLE = 4;

/**
 * The second pass's filters for `target` LUFS, from the first pass's measure. Where one gain for
 * the whole file keeps the true peak under `TRUE_PEAK_CEILING`, it is that gain alone (what
 * loudnorm's `linear=true` applies, without its 192 kHz resampling, most of a pass's time).
 * Otherwise the same gain into a look-ahead limiter at 4× the output rate, its ceiling the same:
 * loudnorm's dynamic mode, its fallback, left true peaks over -1 dBTP and missed the target by more
 * on the same input (docs/media.md#loudness).
 */
export function normaliseFilters(target: number, measure: LoudnessMeasure, sampleRate: number): string[] {
  const gain = target - measure.integrated;
  const volume = `volume=${gain.toFixed(2)}dB`;
  if (measure.truePeak + gain <= TRUE_PEAK_CEILING) return [volume];
  const ceiling = (10 ** (TRUE_PEAK_CEILING / 20)).toFixed(4);
  return [
    volume,
    `aresample=${sampleRate * OVERSAMPLE}`,
    `alimiter=limit=${ceiling}:level=false:latency=true:attack=1:release=100`,
    `aresample=${sampleRate}`,
  ];
}
