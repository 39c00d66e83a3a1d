import { variantSpecHash, type Preset, type VariantSpec } from '@darkroom/core';
import type { Variant } from '@darkroom/db';
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
    ).toEqual({ render: [], remove: [] });
  });

  it('with the keys of the current revision, re-renders a variant of an older crop even when its spec is unchanged', () => {
    const keyOf = (s: VariantSpec) => `${s.name}-${variantSpecHash(s)}-r2`;
    const rows = [{ ...row(preset.variants[0]!), key: keyOf(preset.variants[0]!) }, row(preset.variants[1]!), row(preset.variants[2]!)];
    expect(planBackfill(preset, rows, 'image', keyOf).render.map((s) => s.name)).toEqual(['small', 'medium']);
    expect(planBackfill(preset, rows, 'image').render).toEqual([]);
  });
});
