import type { ImageVariantSpec } from '@darkroom/core/presets';
import { describe, expect, it } from 'vitest';
import { ANIMATION_QUALITY } from './auto-quality.js';
import { probeImage } from './probe.js';
import { renderVariants } from './render.js';
import { fixture } from './test-fixtures.js';

/** What quality each eager variant is written at, and reports: a preset's number, or what a `q_auto` word comes to. */
const OPTIONS = { maxInputPixels: 100_000_000 };
const spec = (name: string, quality: ImageVariantSpec['quality'], format: ImageVariantSpec['format'] = 'webp'): ImageVariantSpec => ({
  name,
  fit: 'inside',
  width: 320,
  height: 320,
  format,
  quality,
});

async function render(file: string, specs: ImageVariantSpec[]) {
  const path = fixture(file);
  const variants = await renderVariants(path, await probeImage(path, OPTIONS), specs, OPTIONS);
  return Object.fromEntries(variants.map((v) => [v.spec.name, v]));
}

describe('variant quality', () => {
  it('reports a fixed number as given, none for PNG, and the searched one for a still of quality "auto"', async () => {
    const out = await render('DSCN0010.jpg', [spec('fixed', 80), spec('png', 'auto', 'png'), spec('auto', 'auto'), spec('good', 'auto-good')]);
    expect(out.fixed!.quality).toBe(80);
    expect(out.png!.quality).toBeNull();
    expect(out.auto!.quality).toBeGreaterThanOrEqual(30);
    expect(out.auto!.quality).toBeLessThanOrEqual(95);
    expect(out.auto!.data.equals(out.fixed!.data)).toBe(out.auto!.quality === 80);
    // `auto` is `auto-good`: one output, searched once and shared.
    expect(out.good!.outputHash).toBe(out.auto!.outputHash);
    expect(out.good!.data).toBe(out.auto!.data);
  });

  it('encodes an animation of quality "auto…" at its level’s fixed quality, as q_auto does', async () => {
    const out = await render('animated-loop-3.gif', [spec('eco', 'auto-eco'), spec('best', 'auto-best'), spec('fixed', ANIMATION_QUALITY.eco)]);
    expect([out.eco!.quality, out.best!.quality]).toEqual([ANIMATION_QUALITY.eco, ANIMATION_QUALITY.best]);
    expect(out.eco!.data.equals(out.fixed!.data)).toBe(true);
  });
});
