import { z } from 'zod';
import { MAX_FILENAME_LENGTH, MAX_IMPORT_ENDPOINT_LENGTH, MAX_IMPORT_EXTERNAL_ID_LENGTH, MAX_IMPORT_ITEMS, MAX_IMPORT_URL_BYTES } from '../limits.js';
import { VISIBILITIES } from '../private-links.js';
import { ErrorSummary } from './error.js';

/**
 * Imports of a library a platform already has (docs/api.md#imports-tenant-api-key): a bucket of its own, or a list
 * of URLs, adopted as assets server-side, checked like uploads and never twice.
 */

export const IMPORT_STATUSES = ['planning', 'running', 'paused', 'done', 'failed', 'canceled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
/** The statuses an import ends in: nothing more happens to it, and its source's credentials are gone. */
export const FINISHED_IMPORT_STATUSES = ['done', 'failed', 'canceled'] as const satisfies readonly ImportStatus[];

/** An item's outcome as a tenant reads it; `pending` and `running` items are not listed by status. */
export const IMPORT_ITEM_STATUSES = ['pending', 'running', 'imported', 'skipped', 'failed'] as const;
export type ImportItemStatus = (typeof IMPORT_ITEM_STATUSES)[number];
export const LISTED_IMPORT_ITEM_STATUSES = ['imported', 'skipped', 'failed'] as const satisfies readonly ImportItemStatus[];

/** Stored events of an import (the feed, the streams, webhooks); `import.progress` is live only. */
export const IMPORT_EVENT_TYPES = ['import.done', 'import.failed', 'import.canceled'] as const;
export type ImportEventType = (typeof IMPORT_EVENT_TYPES)[number];

const Metadata = z.record(z.string(), z.unknown());

export const UrlImportItem = z.strictObject({
  url: z.string().min(1).describe(`An absolute http or https URL, at most ${MAX_IMPORT_URL_BYTES} bytes`),
  filename: z
    .string()
    .min(1)
    .max(MAX_FILENAME_LENGTH)
    .optional()
    .describe("The asset's filename, checked as an upload's; else the URL path's last segment"),
  externalId: z.string().min(1).max(MAX_IMPORT_EXTERNAL_ID_LENGTH).optional().describe("The item's identity: importing it again makes no new asset"),
  metadata: Metadata.optional(),
});

export const ImportSourceBody = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('urls'),
    items: z.array(UrlImportItem).min(1).describe(`1..${MAX_IMPORT_ITEMS} items`),
  }),
  z.strictObject({
    type: z.literal('bucket'),
    endpoint: z
      .string()
      .min(1)
      .max(MAX_IMPORT_ENDPOINT_LENGTH)
      .optional()
      .describe("The source's S3 endpoint; the deployment's own S3_ENDPOINT when absent"),
    region: z.string().min(1).max(64).describe('Letters, digits, hyphens and underscores: us-east-1, us-west-004, auto'),
    bucket: z.string().min(1).max(255),
    prefix: z.string().max(1024).optional(),
    accessKeyId: z.string().min(1).max(256).describe('Printable ASCII without spaces, as S3 servers issue key IDs'),
    secretAccessKey: z.string().min(1).max(256).describe('Used by this import only: stored sealed, never returned, deleted when it ends'),
  }),
]);
export type ImportSourceBody = z.infer<typeof ImportSourceBody>;

export const ImportRequest = z.strictObject({
  source: ImportSourceBody,
  preset: z.string().min(1).max(64).optional(),
  visibility: z.enum(VISIBILITIES).optional(),
  metadata: Metadata.optional().describe("Every item's metadata, under each item's own"),
  dryRun: z.boolean().optional(),
});
export type ImportRequest = z.infer<typeof ImportRequest>;

/** What an import shows of its source: never its credentials. */
export const ImportSourceView = z.object({
  type: z.enum(['urls', 'bucket']),
  bucket: z.string().optional(),
  prefix: z.string().optional(),
  endpoint: z.string().optional(),
});
export type ImportSourceView = z.infer<typeof ImportSourceView>;

export const ImportCounts = z.object({
  found: z.number().int().describe('Items listed (a bucket source) or given (URLs) so far'),
  imported: z.number().int().describe('Assets made (a dry run: that would be made)'),
  skipped: z.number().int().describe('Items already imported (their identity has an asset)'),
  failed: z.number().int(),
  bytes: z.number().int().describe('Bytes brought in'),
});
export type ImportCounts = z.infer<typeof ImportCounts>;

export const ImportView = z
  .object({
    id: z.string(),
    status: z.enum(IMPORT_STATUSES),
    dryRun: z.boolean(),
    source: ImportSourceView,
    counts: ImportCounts,
    error: ErrorSummary.describe(
      'Why the import failed as a whole, null otherwise: its source could not be listed or its keys used (`source_forbidden`, `source_not_found`, `source_unreachable`, `blocked_address`), or it lists more than IMPORT_MAX_ITEMS objects or pages past S3’s bounds (`source_too_large`)',
    ),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'Import' });
export type ImportView = z.infer<typeof ImportView>;

export const ImportItemView = z
  .object({
    source: z.string().describe('The URL (without the query parameters presigning adds) or `bucket/key`'),
    externalId: z.string().nullable(),
    assetId: z.string().nullable().describe('The asset made, or (skipped) the one already made of the same identity'),
    status: z.enum(IMPORT_ITEM_STATUSES),
    reason: z.string().optional().describe('Why it was skipped: `already_imported`'),
    error: ErrorSummary.optional().describe('Why it failed, in a sentence a person can act on'),
  })
  .meta({ id: 'ImportItem' });
export type ImportItemView = z.infer<typeof ImportItemView>;
