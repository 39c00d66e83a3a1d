import { deliverySourceFacts, type DeliverySourceFacts } from '@darkroom/media';
import type { DeliveryDeps } from '../deps.js';
import type { DeliveryAsset } from '../stores/catalog.js';
import { inRenderSlot } from './render-slot.js';

/** Animation and transparency of an original whose row does not say, read from its header once. */
export async function readSourceFacts(deps: DeliveryDeps, asset: DeliveryAsset): Promise<DeliverySourceFacts> {
  const known = await deps.facts.get(asset.id, asset.revision);
  if (known) return known;
  const facts = await inRenderSlot(deps, asset, null, (input) =>
    deliverySourceFacts(input, asset.kind, { maxInputPixels: deps.config.maxInputPixels, video: deps.config.video }),
  );
  deps.facts.set(asset.id, asset.revision, facts);
  return facts;
}
