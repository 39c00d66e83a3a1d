import { readFile } from 'node:fs/promises';
import { isImageSpec, PRESETS, type ImageVariantSpec } from '@darkroom/core/presets';
import { row, type BenchRow } from './table.js';
import type { BenchInput } from './worker-inputs.js';
import { type Rig, startRig } from './worker-rig.js';

/** How many of the throughput run's photos are weighed. */
const PHOTOS = 6;
/** The tenant preset the bench opts in with: the default preset's image variants, each searching its own quality. */
const AUTO_PRESET = 'bench-auto';
const AUTO_SPECS: ImageVariantSpec[] = PRESETS.default!.variants.filter(isImageSpec).map((spec) => ({ ...spec, quality: 'auto' }));

/** Bytes of every variant of `inputs`, each uploaded with `preset` (none: the tenant's default) and waited for. */
async function variantsBytes(rig: Rig, inputs: readonly BenchInput[], preset?: string): Promise<number> {
  let total = 0;
  for (const input of inputs) {
    const { asset } = await rig.tenant.uploadAndComplete(new Uint8Array(await readFile(input.path)), {
      filename: input.path.split('/').pop()!,
      contentType: 'image/jpeg',
      ...(preset ? { preset } : {}),
    });
    const ready = await rig.tenant.waitForAsset(asset.id, 120_000);
    total += (ready.variants as { size: number }[]).reduce((sum, v) => sum + v.size, 0);
  }
  return total;
}

/** Variant bytes against original bytes on the same photos: the default preset's (fixed quality 80), and the same variants at `"auto"`. */
export async function variantBytes(inputs: readonly BenchInput[]): Promise<{ fixed: number; auto: number }> {
  const photos = inputs.slice(0, PHOTOS);
  const rig = await startRig(1);
  try {
    const put = await rig.tenant.request('PUT', `/v1/presets/${AUTO_PRESET}`, { variants: AUTO_SPECS });
    if (put.status !== 200) throw new Error(`the bench's "auto" preset was refused: ${JSON.stringify(put.body)}`);
    const originals = photos.reduce((sum, i) => sum + i.bytes, 0);
    const fixed = await variantsBytes(rig, photos);
    const auto = await variantsBytes(rig, photos, AUTO_PRESET);
    return { fixed: fixed / originals, auto: auto / originals };
  } finally {
    await rig.close();
  }
}

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

/** The default preset's share, then the "auto" one's against it: the search is to save ≥ 15 % of the bytes. */
export const variantBytesRows = ({ fixed, auto }: { fixed: number; auto: number }): BenchRow[] => [
  row('variant bytes / original bytes (default)', percent(fixed), '—', null, '—', null),
  row(
    'variant bytes / original bytes (default\'s image variants at quality "auto")',
    percent(auto),
    percent(fixed),
    auto / fixed,
    '≤ 0.85×',
    auto / fixed <= 0.85,
  ),
];
