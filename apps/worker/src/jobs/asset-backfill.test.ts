import { variantSpecHash, type Preset, type VariantSpec } from '@darkroom/core/presets';
import type { Variant } from '@darkroom/db/schema';
import { describe, expect, it } from 'vitest';
import { planBackfill } from './asset-backfill.js';

const spec = (name: string, width: number): VariantSpec => ({ name, fit: 'inside', width, height: width, format: 'webp', quality: 80 });
const row = (s: VariantSpec, specHash = variantSpecHash(s)) => ({ name: s.name, specHash, key: `${s.name}-${specHash}` }) as Variant;

describe('planBackfill', () => {
  const preset: Preset = { name: 'p', variants: [spec('thumb', 128), spec('small', 640), spec('medium', 1280)] };

  it('renders changed and missing specs, removes names the preset dropped, keeps the rest', () => {
    const rows = [row(preset.variants[0]!), row(spec('small', 600)), row(spec('large', 2560))];
    const plan = planBackfill(preset, rows);
    expect(plan.render.map((s) => s.name)).toEqual(['small', 'medium']);
    expect(plan.remove).toEqual(['large']);
  });

  it('finds nothing to do once every row matches', () => {
    expect(
      planBackfill(
        preset,
        preset.variants.map((s) => row(s)),
      ),
    ).toEqual({ render: [], remove: [], redaction: false });
  });

  it("finds every variant outside the current crop's revision stale, and none within it", () => {
    const at = (prefix: string) => preset.variants.map((s) => ({ ...row(s), key: `${prefix}${s.name}.webp` }));
    expect(planBackfill(preset, at('v/a/r2/'), 'image', { revisionPrefix: 'v/a/r3/' }).render).toHaveLength(3);
    expect(planBackfill(preset, at('v/a/r3/'), 'image', { revisionPrefix: 'v/a/r3/' }).render).toHaveLength(0);
  });

  it('finds image variants of another redaction than the policy wants stale, and says so', () => {
    const unredacted = preset.variants.map((s) => row(s));
    const blurred = preset.variants.map((s) => ({ ...row(s), redaction: 'blur' }) as Variant);
    const on = planBackfill(preset, unredacted, 'image', { redaction: 'blur' });
    expect([on.render.length, on.redaction]).toEqual([3, true]);
    expect(planBackfill(preset, blurred, 'image', { redaction: 'pixelate' }).render).toHaveLength(3);
    const off = planBackfill(preset, blurred, 'image', { redaction: null });
    expect([off.render.length, off.redaction]).toEqual([3, true]);
    expect(planBackfill(preset, blurred, 'image', { redaction: 'blur' })).toEqual({ render: [], remove: [], redaction: false });
    // Not asked (a preset backfill's plan of old): the redaction is not judged.
    expect(planBackfill(preset, blurred).render).toHaveLength(0);
  });
});
