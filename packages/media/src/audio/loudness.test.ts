import { describe, expect, it } from 'vitest';
import { normaliseFilters, parseLoudnorm } from './loudness.js';

const JSON_BLOCK = (i: string, tp: string) => `[Parsed_loudnorm_1 @ 0x55] 
{
	"input_i" : "${i}",
	"input_tp" : "${tp}",
	"input_lra" : "3.20",
	"input_thresh" : "-32.25",
	"output_i" : "-23.95",
	"target_offset" : "-0.05"
}`;

describe('parseLoudnorm', () => {
  it('reads the measure from the end of the stderr', () => {
    const stderr = `Stream mapping: {odd} braces\n${JSON_BLOCK('-22.25', '-18.50')}\n`;
    expect(parseLoudnorm(stderr)).toEqual({ integrated: -22.25, truePeak: -18.5, range: 3.2, threshold: -32.25 });
  });

  it('is null for silence (loudnorm says -inf)', () => {
    expect(parseLoudnorm(JSON_BLOCK('-inf', '-inf'))).toBeNull();
  });

  it('is undefined without a block', () => {
    expect(parseLoudnorm('Invalid data found when processing input')).toBeUndefined();
    expect(parseLoudnorm('{ not json }')).toBeUndefined();
  });
});

describe('normaliseFilters', () => {
  it('is one gain when the true peak stays under -1.5 dBTP', () => {
    expect(normaliseFilters(-16, { integrated: -23, truePeak: -9, range: 5, threshold: -33 }, 44_100)).toEqual(['volume=7.00dB']);
    expect(normaliseFilters(-16, { integrated: -10, truePeak: 0, range: 5, threshold: -20 }, 44_100)).toEqual(['volume=-6.00dB']);
  });

  it('limits at 4× the rate, then comes back to it, when the gain would push the peak over', () => {
    expect(normaliseFilters(-16, { integrated: -30, truePeak: -10, range: 5, threshold: -40 }, 48_000)).toEqual([
      'volume=14.00dB',
      'aresample=192000',
      'alimiter=limit=0.8414:level=false:latency=true:attack=1:release=100',
      'aresample=48000',
    ]);
  });
});
