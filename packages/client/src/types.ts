import type { components, paths } from './generated/api.js';

export type { components, paths };
type Schemas = components['schemas'];

/** The contract's shapes, as the API's OpenAPI document describes them. */
export type Asset = Schemas['Asset'];
export type AssetStatus = Asset['status'];
export type Job = Schemas['Job'];
export type Event = Schemas['Event'];
export type Tenant = Schemas['Tenant'];
export type Webhook = Schemas['Webhook'];
export type WebhookDeliveryAttempt = Schemas['WebhookDeliveryAttempt'];
export type Preset = Schemas['Preset'];

/** A request body of a route, as the document describes it. */
export type JsonBody<Path extends keyof paths, Method extends 'post' | 'put' | 'patch'> = paths[Path][Method] extends {
  requestBody?: { content: { 'application/json': infer Body } } | undefined;
}
  ? Body
  : never;

export type StartUploadBody = JsonBody<'/v1/uploads', 'post'>;
export type StartedUpload = paths['/v1/uploads']['post']['responses'][201]['content']['application/json'];
export type UploadInstructions = StartedUpload['upload'];

/** Statuses an asset does not leave by itself. */
export const FINAL_STATUSES: readonly AssetStatus[] = ['ready', 'failed', 'canceled', 'expired'];
export const isFinal = (asset: Pick<Asset, 'status'>): boolean => FINAL_STATUSES.includes(asset.status);
