import { z } from 'zod';
import { AssetSnapshot, AssetView } from './asset.js';
import { IMPORT_EVENT_TYPES, ImportView } from './import.js';
import { QUOTAS } from './usage.js';

export const ASSET_EVENT_TYPES = [
  'asset.uploaded',
  'asset.processing',
  'asset.playable',
  'asset.ready',
  'asset.failed',
  'asset.updated',
  'asset.deleted',
  'asset.expired',
  'asset.held',
  'asset.approved',
  'asset.rejected',
] as const;
export type AssetEventType = (typeof ASSET_EVENT_TYPES)[number];

/** A tenant's own events: its use of a quota passed 80 % (`warning`) or 100 % (`reached`), once per quota per month. */
export const TENANT_EVENT_TYPES = ['tenant.quota.warning', 'tenant.quota.reached'] as const;
export type TenantEventType = (typeof TENANT_EVENT_TYPES)[number];

/** Every stored event type: an asset's, an import's, or the tenant's (the feed, the streams, webhooks). */
export const EVENT_TYPES = [...ASSET_EVENT_TYPES, ...IMPORT_EVENT_TYPES, ...TENANT_EVENT_TYPES] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export const isAssetEventType = (type: EventType): type is AssetEventType => type.startsWith('asset.');

/**
 * What a CDN may hold of an asset that a visibility change made private, or whose faces a change of
 * its tenant's `enforceFaceRedaction` covered or uncovered: its objects' public URLs, and the URL
 * prefixes under which anything else of it may be cached (its `/img/` renders).
 */
export const PurgeList = z
  .object({
    urls: z.array(z.string()).describe("Every eager variant's and stream file's public URL"),
    prefixes: z
      .array(z.string())
      .describe('URL prefixes under which a CDN may hold anything else of the asset (its `/img/` renders, whatever their options)'),
  })
  .meta({ id: 'PurgeList' });
export type PurgeList = z.infer<typeof PurgeList>;

const purge = PurgeList.optional().describe(
  "`asset.updated` only, when a visibility change made it or a change of the tenant's `enforceFaceRedaction` re-rendered it: what a CDN should purge of the asset",
);

/** What an asset event's row stores: the asset as the change left it, variants by key (and what to purge, after a visibility or redaction change). */
export const AssetEventData = z.object({ asset: AssetSnapshot, purge });
export type AssetEventData = z.infer<typeof AssetEventData>;
/** What an import event's row stores: the import as it ended. */
export const ImportEventData = z.object({ import: ImportView });
export type ImportEventData = z.infer<typeof ImportEventData>;
/** What a quota event's row stores, and shows: the quota, its limit, what was used as it crossed, and the month. */
export const QuotaEventData = z
  .object({
    quota: z.enum(QUOTAS),
    limit: z.number().describe('The quota as set when it was crossed'),
    used: z.number().describe('What the quota had used when this event was raised'),
    period: z.string().describe('The calendar month (UTC) it was crossed in, `2026-11`; once per quota per month'),
  })
  .meta({ id: 'QuotaEventData' });
export type QuotaEventData = z.infer<typeof QuotaEventData>;
export const EventData = z.union([AssetEventData, ImportEventData, QuotaEventData]);
export type EventData = z.infer<typeof EventData>;

/** An event as a tenant reads it (`GET /v1/events`, the SSE streams): its asset with URLs as they are today, or its import. */
export const EventView = z
  .object({
    id: z.string().describe('Time-ordered; pass as `after` (or `Last-Event-ID`) to read on from here'),
    type: z.enum(EVENT_TYPES),
    createdAt: z.string(),
    data: z.union([
      z.object({ asset: AssetView.describe('The asset as the change left it'), purge }),
      z.object({ import: ImportView.describe('The import as it ended') }),
      QuotaEventData,
    ]),
  })
  .meta({ id: 'Event' });
export type EventView = z.infer<typeof EventView>;

/** Live-only event types: streamed over SSE, never stored in the events feed nor sent to webhooks. */
export const LIVE_EVENT_TYPES = ['asset.progress', 'import.progress'] as const;

/** `asset.progress`'s data: how far the asset's job has rendered (at most once a second per asset). */
export const AssetProgress = z.object({
  assetId: z.string(),
  jobId: z.string(),
  progress: z.number().min(0).max(1),
});
export type AssetProgress = z.infer<typeof AssetProgress>;

/**
 * A live-only event as the SSE streams send it: shaped like an Event, without an `id` (it is not in
 * the feed, so it is no place to resume from with Last-Event-ID).
 */
export const ProgressEventView = z
  .object({
    type: z.literal('asset.progress'),
    createdAt: z.string(),
    data: AssetProgress,
  })
  .meta({ id: 'ProgressEvent' });
export type ProgressEventView = z.infer<typeof ProgressEventView>;

/** `import.progress`, live only: an import's counts as it runs, at most once a second per import. */
export const ImportProgressEventView = z
  .object({
    type: z.literal('import.progress'),
    createdAt: z.string(),
    data: z.object({ import: ImportView }),
  })
  .meta({ id: 'ImportProgressEvent' });
export type ImportProgressEventView = z.infer<typeof ImportProgressEventView>;
