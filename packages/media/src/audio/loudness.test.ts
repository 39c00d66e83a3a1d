import { describe, expect, it } from 'vitest';
import { loudnormSecondPass, parseLoudnorm } from './loudness.js';

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

describe('loudnormSecondPass', () => {
  it('hands the measure back, linear, with a true peak of -1 dBTP', () => {
    const filter = loudnormSecondPass(-16, { integrated: -22.25, truePeak: -18.5, range: 3.2, threshold: -32.25 });
    expect(filter).toBe(
      'loudnorm=I=-16:TP=-1:LRA=50:measured_I=-22.25:measured_TP=-18.50:measured_LRA=3.20:measured_thresh=-32.25:linear=true:print_format=none',
    );
  });

  it("clamps a measure to loudnorm's ranges", () => {
    const filter = loudnormSecondPass(-16, { integrated: -120, truePeak: 3, range: 120, threshold: -130 });
    expect(filter).toContain('measured_I=-99.00:measured_TP=3.00:measured_LRA=99.00:measured_thresh=-99.00');
  });
});
