import { z } from 'zod';
import { AssetSnapshot, AssetView } from './asset.js';

export const ASSET_EVENT_TYPES = [
  'asset.uploaded',
  'asset.processing',
  'asset.ready',
  'asset.failed',
  'asset.updated',
  'asset.deleted',
  'asset.expired',
] as const;
export type AssetEventType = (typeof ASSET_EVENT_TYPES)[number];

/** What an event row stores: the asset as the change left it, variants by key. */
export const EventData = z.object({ asset: AssetSnapshot });
export type EventData = z.infer<typeof EventData>;

/** An event as a tenant reads it (`GET /v1/events`, the SSE streams): its asset with URLs as they are today. */
export const EventView = z
  .object({
    id: z.string().describe('Time-ordered; pass as `after` (or `Last-Event-ID`) to read on from here'),
    type: z.enum(ASSET_EVENT_TYPES),
    createdAt: z.string(),
    data: z.object({ asset: AssetView.describe('The asset as the change left it') }),
  })
  .meta({ id: 'Event' });
export type EventView = z.infer<typeof EventView>;
