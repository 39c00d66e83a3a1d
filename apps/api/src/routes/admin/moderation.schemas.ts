import { z } from 'zod';
import { AssetView } from '@darkroom/core/contract/asset';
import { ErrorBody } from '@darkroom/core/contract/error';
import { BlocklistEntryBody, ModerationDecisionBody } from '@darkroom/core/contract/moderation';
import { IdParams } from '../common.schemas.js';
import { blocklistShapes, decisionRules } from '../moderation.schemas.js';
import { authErrors } from '../../error-responses.js';

const adminErrors = { ...authErrors, 403: ErrorBody } as const;

export const adminDecideSchema = {
  tags: ['admin'],
  summary: "Decide on any tenant's held or ready asset, or restore a rejected one",
  description:
    `${decisionRules} An admin may also \`approve\` a rejected asset while its original is in quarantine: it is processed again with its checks skipped ` +
    '(`decidedBy: "admin"`; its original gone: 409 invalid_state).',
  params: IdParams,
  body: ModerationDecisionBody,
  response: { 200: AssetView, 400: ErrorBody, ...adminErrors, 404: ErrorBody, 409: ErrorBody },
};

export const HeldAssetRow = z
  .object({ tenantId: z.string(), asset: AssetView.describe('As its tenant reads it: `/p/` URLs, findings and scores') })
  .meta({ id: 'HeldAsset' });

export const reviewQueueSchema = {
  tags: ['admin'],
  summary: 'The review queue: held assets of every tenant (or one), oldest first',
  querystring: z.strictObject({
    state: z.enum(['held']).default('held'),
    tenantId: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().min(1).max(200).optional(),
  }),
  response: { 200: z.object({ items: z.array(HeldAssetRow), nextCursor: z.string().nullable() }), 400: ErrorBody, ...adminErrors },
};

export const rescanSchema = {
  tags: ['admin'],
  summary: 'Scan again the originals of the ready and held assets made since a time (after a signature update), on the backfill lane',
  description: 'A match takes a ready asset down as a `reject` decision by `policy` does. Assets with a job under way already are left out.',
  body: z.strictObject({
    since: z.iso.datetime({ offset: true }).describe('ISO 8601: assets created at or after it'),
    tenantId: z.uuid().optional().describe("One tenant's assets; absent: every tenant's"),
  }),
  response: { 202: z.object({ queued: z.number().int().describe('Rescan jobs queued') }), 400: ErrorBody, ...adminErrors },
};

export const listDeploymentBlocklistSchema = {
  tags: ['admin'],
  summary: "The deployment's blocklist (every tenant's uploads are matched against it), oldest first",
  querystring: blocklistShapes.BlocklistQuery,
  response: { 200: blocklistShapes.BlocklistPage, 400: ErrorBody, ...adminErrors },
};

export const addDeploymentBlocklistSchema = {
  tags: ['admin'],
  summary: "Add a perceptual hash, or an asset's hashes (any tenant's asset), to the deployment's blocklist",
  description: 'At most BLOCKLIST_MAX_ENTRIES entries (409 invalid_state past it); an asset without hashes yet: 409 invalid_state.',
  body: BlocklistEntryBody,
  response: { 201: blocklistShapes.AddedEntries, 400: ErrorBody, ...adminErrors, 404: ErrorBody, 409: ErrorBody },
};

export const deleteDeploymentBlocklistSchema = {
  tags: ['admin'],
  summary: "Remove an entry of the deployment's blocklist",
  params: IdParams,
  response: { 204: z.null().describe('Removed'), ...adminErrors, 404: ErrorBody },
};
