import { displaySource, urlIdentity } from '@darkroom/core/import-identity';
import { ERRORS } from '@darkroom/core/error-factories';
import { MAX_IMPORT_ITEMS, MAX_IMPORT_URL_BYTES, MAX_METADATA_BYTES, MAX_METADATA_DEPTH } from '@darkroom/core/limits';
import { resolvePreset } from '@darkroom/core/presets';
import type { ImportRequest, ImportSourceView } from '@darkroom/core/contract/import';
import { insertImport, insertImportItems } from '@darkroom/db/queries/imports';
import { newId } from '@darkroom/db/ids';
import type { Import, NewImportItem } from '@darkroom/db/import-schema';
import type { Tenant } from '@darkroom/db/schema';
import { filenameProblem, type FilenameProblem } from '@darkroom/intake';
import {
  bucketSourceProblem,
  identityHashOf,
  importCredentialsAad,
  importMetadataOf,
  isDeploymentBucket,
  queueImportSlice,
} from '@darkroom/intake/imports';
import type { AppDeps } from '../deps.js';
import { ensureDeliveryKey } from '../services/delivery-key.js';
import { exceedsDepth } from '../services/uploads/upload-rules.js';

/** What an item carries into its row: its identity, what the tenant sees of its source, and where to fetch it. */
type UrlItemRow = Omit<NewImportItem, 'id' | 'importId' | 'tenantId' | 'seq'>;

/**
 * `POST /v1/imports`: checks everything that can be checked at the call (`400 invalid_request`,
 * naming the item's index or the limit), then records the import (and a URL list's items) in one
 * transaction, then queues its first slice: a worker takes it from there (@darkroom/intake's
 * imports/slices.ts); this call never touches the source.
 */
export async function startImport(deps: AppDeps, tenant: Tenant, body: ImportRequest): Promise<Import> {
  const presetName = body.preset ?? tenant.defaultPreset ?? 'default';
  if (!resolvePreset(deps.config.presets, tenant.presets, presetName)) throw ERRORS.presetNotFound(presetName);
  // Only its depth here (what follows serializes it): its size is checked merged, naming the limit in details.
  if (body.metadata && exceedsDepth(body.metadata, MAX_METADATA_DEPTH)) throw ERRORS.metadataTooDeep(MAX_METADATA_DEPTH);
  const id = newId();
  const visibility = body.visibility ?? tenant.defaultVisibility ?? deps.config.defaultVisibility;
  // The import's own metadata first: too large alone, it is the import's fault and not its first item's.
  checkMetadataFits(body, id, null);
  const items = body.source.type === 'urls' ? urlItems(body, id) : [];
  if (body.source.type === 'bucket') checkBucketSource(deps, body.source);
  // Before the row: its assets' URLs are signed with the key from the first event on.
  if (visibility === 'private') await ensureDeliveryKey(deps, tenant);
  const started = await deps.db.transaction(async (tx) => {
    const row = await insertImport(tx, {
      id,
      tenantId: tenant.id,
      status: body.source.type === 'urls' ? 'running' : 'planning',
      dryRun: body.dryRun ?? false,
      source: sourceView(body),
      ...bucketFields(deps, body, id),
      preset: body.preset ?? null,
      visibility,
      metadata: body.metadata ?? null,
      found: items.length,
    });
    await insertImportItems(tx, { importId: id, tenantId: tenant.id, firstSeq: 0, items });
    return row;
  });
  await queueFirstSlice(deps, started.id);
  return started;
}

/**
 * After the commit, so no worker looks for an import not there yet. Redis away: the import is
 * recorded all the same, and the workers' reconciler queues a slice for every import under way
 * that has none.
 */
const queueFirstSlice = (deps: AppDeps, importId: string) => queueImportSlice(deps, importId).catch(() => {});

function sourceView(body: ImportRequest): ImportSourceView {
  const { source } = body;
  if (source.type === 'urls') return { type: 'urls' };
  return {
    type: 'bucket',
    bucket: source.bucket,
    ...(source.prefix ? { prefix: source.prefix } : {}),
    ...(source.endpoint ? { endpoint: source.endpoint } : {}),
  };
}

/** A bucket source's region and its keys, sealed and bound to the import's id. */
function bucketFields(deps: AppDeps, body: ImportRequest, id: string) {
  const { source } = body;
  if (source.type !== 'bucket') return {};
  const credentials = JSON.stringify({ accessKeyId: source.accessKeyId, secretAccessKey: source.secretAccessKey });
  return { region: source.region, credentialsSealed: deps.secretBox.seal(credentials, importCredentialsAad(id)) };
}

function checkBucketSource(deps: AppDeps, source: Extract<ImportRequest['source'], { type: 'bucket' }>): void {
  const wrong = bucketSourceProblem(source);
  if (wrong) throw ERRORS.importSourceNotValid(`source.${wrong.field}`, wrong.problem);
  if (isDeploymentBucket(source, { storage: deps.config.storage, backup: deps.config.imports.backup })) throw ERRORS.ownBucketAsSource();
}

/** A URL list's items as rows, each checked: an absolute http or https URL of at most 8 KiB, metadata that fits. */
function urlItems(body: ImportRequest, importId: string): UrlItemRow[] {
  if (body.source.type !== 'urls') return [];
  const { items } = body.source;
  if (items.length > MAX_IMPORT_ITEMS) throw ERRORS.tooManyImportItems(items.length, MAX_IMPORT_ITEMS);
  return items.map((item, index) => {
    const problem = urlProblem(item.url);
    if (problem) throw ERRORS.importItemNotValid(index, 'url', problem);
    const nameProblem = item.filename === undefined ? null : filenameProblem(item.filename);
    if (nameProblem) throw ERRORS.importItemNotValid(index, 'filename', FILENAME_PROBLEMS[nameProblem]);
    checkMetadataFits(body, importId, index);
    const identity = item.externalId === undefined ? `url:${urlIdentity(item.url)}` : `id:${item.externalId}`;
    return {
      location: item.url,
      source: displaySource(item.url),
      identity,
      identityHash: identityHashOf(identity),
      externalId: item.externalId ?? null,
      filename: item.filename ?? null,
      metadata: item.metadata ?? null,
    };
  });
}

/** An item's filename is checked as an upload's (the intake's `filenameProblem`), each problem the end of a sentence. */
const FILENAME_PROBLEMS: Record<FilenameProblem, string> = {
  blank: 'is blank',
  control_characters: 'holds control characters',
  path: 'is not a bare file name: it holds "/" or "\\"',
};

function urlProblem(text: string): string | null {
  if (Buffer.byteLength(text) > MAX_IMPORT_URL_BYTES) return `is longer than ${MAX_IMPORT_URL_BYTES} bytes`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `is a ${url.protocol.slice(0, -1)} URL: only http and https are imported`;
  if (url.username || url.password) return 'carries credentials: put a presigned URL or a public one instead';
  return null;
}

/**
 * An asset's metadata is the item's over the import's, plus `"import": { id, source }`: it must fit
 * the asset's 4 KiB at the call, as an upload's does (the import block's source at its longest).
 */
function checkMetadataFits(body: ImportRequest, importId: string, index: number | null): void {
  const item = index !== null && body.source.type === 'urls' ? body.source.items[index] : undefined;
  if (item?.metadata && exceedsDepth(item.metadata, MAX_METADATA_DEPTH)) {
    throw ERRORS.importItemNotValid(index!, 'metadata', `nests deeper than ${MAX_METADATA_DEPTH} levels`);
  }
  const source = item ? displaySource(item.url) : body.source.type === 'bucket' ? `${body.source.bucket}/` : '';
  const merged = importMetadataOf({ importId, source, importMetadata: body.metadata ?? null, itemMetadata: item?.metadata ?? null });
  const bytes = Buffer.byteLength(JSON.stringify(merged));
  if (bytes > MAX_METADATA_BYTES) throw ERRORS.importMetadataTooLarge(index, bytes, MAX_METADATA_BYTES);
}
