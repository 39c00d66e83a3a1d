import { ErrorBody } from '@darkroom/core/contract/error';
import { ImportItemView, ImportRequest, ImportView, LISTED_IMPORT_ITEM_STATUSES } from '@darkroom/core/contract/import';
import { MAX_IMPORT_BODY_BYTES } from '@darkroom/core/limits';
import { z } from 'zod';
import { IdParams } from './common.schemas.js';
import { tenantErrors } from '../error-responses.js';

const ImportReply = z.object({ import: ImportView });
const notFound = { 404: ErrorBody } as const;
const Page = { limit: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().optional() };

export const startImportSchema = {
  tags: ['imports'],
  summary: 'Import a library: a bucket of its own or a list of URLs, checked like uploads, never twice',
  description: `The one route that takes a body up to ${MAX_IMPORT_BODY_BYTES / 1024 / 1024} MiB. A bucket source's keys are used by this import only: stored sealed, never returned, deleted when it ends.`,
  body: ImportRequest,
  response: { 202: ImportReply, 400: ErrorBody, 404: ErrorBody, ...tenantErrors },
};

export const getImportSchema = {
  tags: ['imports'],
  summary: 'An import: its status and counts',
  params: IdParams,
  response: { 200: ImportReply, ...tenantErrors, ...notFound },
};

export const listImportsSchema = {
  tags: ['imports'],
  summary: "The tenant's imports, newest first",
  querystring: z.strictObject(Page),
  response: { 200: z.object({ items: z.array(ImportView), nextCursor: z.string().nullable() }), 400: ErrorBody, ...tenantErrors },
};

export const listImportItemsSchema = {
  tags: ['imports'],
  summary: "An import's items in their order, of one outcome or all: every failure with a sentence a person can act on",
  params: IdParams,
  querystring: z.strictObject({ ...Page, status: z.enum(LISTED_IMPORT_ITEM_STATUSES).optional() }),
  response: { 200: z.object({ items: z.array(ImportItemView), nextCursor: z.string().nullable() }), 400: ErrorBody, ...tenantErrors, ...notFound },
};

export const controlImportSchema = (summary: string) => ({
  tags: ['imports'],
  summary,
  params: IdParams,
  response: { 200: ImportReply, 409: ErrorBody, ...tenantErrors, ...notFound },
});
