/** Rounded to `digits` decimals, as a video's durations and frame rate are recorded. */
export const roundTo = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
