/**
 * What ffmpeg's `loudnorm` filter measured of an input (EBU R128): the first pass of a two-pass
 * normalisation, whose values the second pass is given back (`measured_I`, …).
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

/** loudnorm's accepted ranges for the measured values it is given back; a measure outside is clamped. */
const MEASURED_RANGES = { I: [-99, 0], TP: [-99, 99], LRA: [0, 99], thresh: [-99, 0] } as const;

const clamp = (value: number, [low, high]: readonly [number, number]) => Math.min(high, Math.max(low, value));

/** The loudnorm filter of a second pass: linear (one gain for the whole file) where the true peak allows it. */
export function loudnormSecondPass(target: number, measure: LoudnessMeasure): string {
  const options = [
    `I=${target}`,
    'TP=-1',
    // The widest range: with linear=true loudnorm falls back to its dynamic mode if the input's range is wider.
    'LRA=50',
    `measured_I=${clamp(measure.integrated, MEASURED_RANGES.I).toFixed(2)}`,
    `measured_TP=${clamp(measure.truePeak, MEASURED_RANGES.TP).toFixed(2)}`,
    `measured_LRA=${clamp(measure.range, MEASURED_RANGES.LRA).toFixed(2)}`,
    `measured_thresh=${clamp(measure.threshold, MEASURED_RANGES.thresh).toFixed(2)}`,
    'linear=true',
    'print_format=none',
  ];
  return `loudnorm=${options.join(':')}`;
}
