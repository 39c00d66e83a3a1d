import type { components, paths } from './generated/api.js';

export type { components, paths };
type Schemas = components['schemas'];

/** The contract's shapes, as the API's OpenAPI document describes them. */
export type Asset = Schemas['Asset'];
export type AssetStatus = Asset['status'];
export type Job = Schemas['Job'];
export type Event = Schemas['Event'];
/** An event of an asset (`asset.*`), as against the end of an import (`import.*`, whose data is `{ import }`). */
export type AssetEvent = Event & { data: Extract<Event['data'], { asset: unknown }> };
export type ImportEvent = Event & { data: Extract<Event['data'], { import: unknown }> };
export const isAssetEvent = (event: Event): event is AssetEvent => 'asset' in event.data;
export type Tenant = Schemas['Tenant'];
export type Webhook = Schemas['Webhook'];
export type WebhookDeliveryAttempt = Schemas['WebhookDeliveryAttempt'];
export type Preset = Schemas['Preset'];
export type Import = Schemas['Import'];
export type ImportStatus = Import['status'];
export type ImportItem = Schemas['ImportItem'];

/** A request body of a route, as the document describes it. */
export type JsonBody<Path extends keyof paths, Method extends 'post' | 'put' | 'patch'> = paths[Path][Method] extends {
  requestBody?: { content: { 'application/json': infer Body } } | undefined;
}
  ? Body
  : never;

export type StartUploadBody = JsonBody<'/v1/uploads', 'post'>;
export type StartedUpload = paths['/v1/uploads']['post']['responses'][201]['content']['application/json'];
export type UploadInstructions = StartedUpload['upload'];
export type StartImportBody = JsonBody<'/v1/imports', 'post'>;

/** Statuses an asset does not leave by itself (a held one waits for a person's decision). */
export const FINAL_STATUSES: readonly AssetStatus[] = ['ready', 'held', 'failed', 'rejected', 'canceled', 'expired'];
export const isFinal = (asset: Pick<Asset, 'status'>): boolean => FINAL_STATUSES.includes(asset.status);

/** Statuses an import ends in: nothing more happens to it. */
export const FINISHED_IMPORT_STATUSES: readonly ImportStatus[] = ['done', 'failed', 'canceled'];
export const isFinishedImport = (imp: Pick<Import, 'status'>): boolean => FINISHED_IMPORT_STATUSES.includes(imp.status);
