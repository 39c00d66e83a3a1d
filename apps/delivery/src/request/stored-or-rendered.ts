import type { DeliveryFormat } from '@darkroom/core/delivery-grammar';
import type { DeliveryOptions } from '@darkroom/core/delivery-options';
import type { DeliveryDeps } from '../deps.js';
import { readOriginalEarly, type EarlyOriginal } from '../stores/early-original.js';
import type { Coalesced } from '../stores/render-once.js';
import { storedImageAnswer, type AnswerAs, type StoredImageAnswer } from './answer.js';
import type { FoundAsset } from './authorize.js';
import { planRender, type RenderPlan } from './plan.js';
import { renderAndStore } from './render.js';

/** How a render is answered: one made while the faces it depends on are unknown is kept briefly, as an interim one. */
const answerOf = (plan: RenderPlan, as: AnswerAs): AnswerAs => (plan.facesUnknown ? { ...as, kind: 'interim' } : as);

/** The planned render: in this process's memory, else stored, else rendered once (across processes) and stored. */
export async function storedOrRendered(deps: DeliveryDeps, found: FoundAsset, plan: RenderPlan, as: AnswerAs): Promise<StoredImageAnswer> {
  const hot = deps.store.peek(plan.key);
  if (hot) return storedImageAnswer(hot, plan.render, answerOf(plan, as), 'hit');
  const made = await renderOnce(deps, found, plan, { readEarly: true });
  return storedImageAnswer(made.stored, plan.render, answerOf(plan, as), made.rendered ? 'render' : 'hit');
}

/**
 * `f_auto` chose AVIF: the AVIF once it is stored; until then, AVIF without the wait: the
 * `meanwhile` format now, and the AVIF rendered in the background once that is done, so the AVIF
 * never holds a render slot ahead of the image this request waits for.
 */
export async function avifOrMeanwhile(
  deps: DeliveryDeps,
  found: FoundAsset,
  options: DeliveryOptions,
  avif: RenderPlan,
  meanwhile: DeliveryFormat,
): Promise<StoredImageAnswer> {
  // While its render is under way here, the AVIF is known not to be in the bucket yet: no bucket
  // request (it is in memory once made, while its PUT lands).
  const underWay = deps.renderOnce.underWay(avif.key);
  const stored = underWay ? deps.store.peek(avif.key) : await deps.store.get(avif.key);
  const { tenantId } = found.asset;
  if (stored) return storedImageAnswer(stored, avif.render, answerOf(avif, { kind: 'image', vary: true, tenantId }), 'hit');
  const interim = planRender(found.asset, options, found.tenant.policy, meanwhile);
  const answer = await storedOrRendered(deps, found, interim, { kind: 'interim', vary: true, tenantId });
  if (!underWay) renderInBackground(deps, found, avif);
  return answer;
}

function renderInBackground(deps: DeliveryDeps, found: FoundAsset, plan: RenderPlan): void {
  const running = renderOnce(deps, found, plan, { readEarly: false })
    .catch((error: unknown) => deps.log.warn({ assetId: found.asset.id, render: plan.canonical, err: error }, 'a background AVIF render failed'))
    .finally(() => deps.background.delete(running));
  deps.background.add(running);
}

/**
 * The render as render-once comes by it: stored, or made here by the one call that renders. With
 * `readEarly`, once Redis has said it is likely missing, the original it renders from is read while
 * the bucket is still asked for it (early-original.ts); a render marked stored never reads it.
 */
async function renderOnce(deps: DeliveryDeps, found: FoundAsset, plan: RenderPlan, { readEarly }: { readEarly: boolean }): Promise<Coalesced> {
  // Set in a callback, which control-flow analysis does not follow: typed as it may be there.
  let early = null as EarlyOriginal | null;
  const hooks = readEarly
    ? {
        onLikelyMiss: () => {
          early = readOriginalEarly(deps, found.asset);
        },
        onWait: () => early?.cancel(),
      }
    : {};
  try {
    return await deps.renderOnce.get(plan.key, () => renderAndStore(deps, found, plan, early), hooks);
  } finally {
    early?.cancel();
  }
}
