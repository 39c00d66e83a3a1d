import { z } from 'zod';
import { AssetView } from '@darkroom/core/contract/asset';
import { ErrorBody } from '@darkroom/core/contract/error';
import { BlocklistEntryBody, BlocklistEntryView, ModerationDecisionBody } from '@darkroom/core/contract/moderation';
import { IdParams } from './common.schemas.js';
import { tenantErrors } from '../error-responses.js';

/** The moderation routes' schemas, a tenant key's and an admin's alike (the admin's add their own errors). */

const DECISION_RULES =
  'A held asset can be approved or rejected, a ready one rejected (a takedown: the public and `/img/` routes answer as for no asset at once, ' +
  "its objects leave the public bucket within 60 s); anything else, a second approve included: 409 invalid_state. `block` with `reject` adds the asset's perceptual hashes " +
  "to the tenant's blocklist (none taken yet: 409 invalid_state; the list full: 409 invalid_state).";

export const decideSchema = {
  tags: ['moderation'],
  summary: 'Approve or reject a held asset, or take a ready one down',
  description: `${DECISION_RULES} A hold that names an entry of the deployment's blocklist is decided by an admin only (403 forbidden); an upload token: 403 forbidden.`,
  params: IdParams,
  body: ModerationDecisionBody,
  response: { 200: AssetView, 400: ErrorBody, ...tenantErrors, 404: ErrorBody, 409: ErrorBody },
};

export const decisionRules = DECISION_RULES;

const BlocklistQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(200).optional(),
});
const BlocklistPage = z.object({ items: z.array(BlocklistEntryView), nextCursor: z.string().nullable() });
const AddedEntries = z.object({
  items: z
    .array(BlocklistEntryView)
    .describe('The entries of the hashes posted: one for a hash, one per perceptual hash of an asset (an entry the list had already, as it was)'),
});

export const listBlocklistSchema = {
  tags: ['moderation'],
  summary: "The tenant's blocklist, oldest first (keyset pagination)",
  querystring: BlocklistQuery,
  response: { 200: BlocklistPage, 400: ErrorBody, ...tenantErrors },
};

export const addBlocklistSchema = {
  tags: ['moderation'],
  summary: "Add a perceptual hash, or an asset's hashes, to the tenant's blocklist",
  description:
    "`{ hash }` (`phash:` and 16 hex digits) or `{ assetId }` (one of the tenant's assets; to block a file, upload it private and post its id; " +
    'no hashes yet: 409 invalid_state). At most BLOCKLIST_MAX_ENTRIES entries per list (409 invalid_state past it).',
  body: BlocklistEntryBody,
  response: { 201: AddedEntries, 400: ErrorBody, ...tenantErrors, 404: ErrorBody, 409: ErrorBody },
};

export const deleteBlocklistSchema = {
  tags: ['moderation'],
  summary: "Remove an entry of the tenant's blocklist",
  params: IdParams,
  response: { 204: z.null().describe('Removed'), ...tenantErrors, 404: ErrorBody },
};

/** The same shapes for the deployment's list (admin routes): what differs is who calls and which list. */
export const blocklistShapes = { BlocklistQuery, BlocklistPage, AddedEntries };
