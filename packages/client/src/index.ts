import { contexts, createContext, type ClientContext, type DarkroomClientOptions } from './client.js';
import { followImport, type FollowImportOptions } from './imports.js';
import { findPreviousUploads } from './previous-uploads.js';
import type { FileIdentity, PreviousUpload } from './resume-store.js';
import { backendRoutes, type BackendRoutes } from './routes.js';
import type { UploadInput } from './source.js';
import type { Asset, Import } from './types.js';
import { abortUpload, resume, upload, type ResumeOptions, type UploadOptions } from './upload.js';
import { waitUntilReady, type WaitOptions } from './wait.js';

export type { DarkroomClientOptions } from './client.js';
export { CLIENT_ERROR_CODES, DarkroomError, type ClientErrorCode } from './errors.js';
export type { FollowImportOptions } from './imports.js';
export {
  deliveryUrl,
  imageProps,
  pictureSources,
  type DeliveryFaceOptions,
  type DeliveryLinks,
  type DeliveryUrlOptions,
  type ImageOptions,
  type ImageProps,
  type ResponsiveAsset,
  type SourceProps,
} from './responsive.js';
export { privateUrl, type PrivateUrlOptions } from './private-url.js';
export {
  localStorageResumeStore,
  memoryResumeStore,
  type FileIdentity,
  type PreviousUpload,
  type ResumeStore,
} from './resume-store.js';
export type { RetryOptions } from './retry.js';
export type { UploadInput } from './source.js';
export { defaultTransport, fetchTransport, xhrTransport, type PutRequest, type PutResponse, type Transport } from './transport.js';
export * from './types.js';
export type { ResumeOptions, TransferProgress, UploadOptions, UploadProgress } from './upload.js';
export type { ProcessingProgress, WaitOptions } from './wait.js';

/** Darkroom's API for a backend (tenant key or admin token) or a browser (upload token). */
export class DarkroomClient {
  readonly #ctx: ClientContext;
  /** Every route of the OpenAPI document, typed (openapi-fetch): `client.api.GET('/v1/events', …)`. */
  readonly api: ClientContext['api'];
  readonly tenant: BackendRoutes['tenant'];
  readonly assets: BackendRoutes['assets'];
  readonly tenants: BackendRoutes['tenants'];
  readonly keys: BackendRoutes['keys'];
  readonly uploadTokens: BackendRoutes['uploadTokens'];
  readonly webhooks: BackendRoutes['webhooks'];
  readonly presets: BackendRoutes['presets'];
  /** The import routes, and `follow(id)`: resolves once the import has ended, reporting its counts as it goes. */
  readonly imports: BackendRoutes['imports'] & { follow(importId: string, options?: FollowImportOptions): Promise<Import> };

  constructor(options: DarkroomClientOptions) {
    this.#ctx = createContext(options);
    contexts.set(this, this.#ctx);
    this.api = this.#ctx.api;
    const routes = backendRoutes(this.#ctx);
    this.tenant = routes.tenant;
    this.assets = routes.assets;
    this.tenants = routes.tenants;
    this.keys = routes.keys;
    this.uploadTokens = routes.uploadTokens;
    this.webhooks = routes.webhooks;
    this.presets = routes.presets;
    const ctx = this.#ctx;
    this.imports = { ...routes.imports, follow: (importId, options) => followImport(ctx, importId, options) };
  }

  /**
   * Uploads a File, Blob, bytes or a stream of known size: PUT or multipart as the API answers, then
   * waits (unless `wait: false`) and resolves with the ready or failed asset.
   */
  upload(input: UploadInput, options?: UploadOptions): Promise<Asset> {
    return upload(this.#ctx, input, options);
  }

  /** Continues an upload begun earlier (by id) with the same file: only the missing parts are sent. */
  resume(assetId: string, input: UploadInput, options?: ResumeOptions): Promise<Asset> {
    return resume(this.#ctx, assetId, input, options);
  }

  /**
   * Unfinished uploads this client started (same API, same credential) and the resume store kept,
   * newest first; with a file (a File, or its name, size and lastModified), only that file's. Pass
   * one's `assetId` to `resume()` with the same file. As tus-js-client's `findPreviousUploads()`.
   */
  findPreviousUploads(file?: FileIdentity): Promise<PreviousUpload[]> {
    return findPreviousUploads(this.#ctx, file);
  }

  /** Resolves once the asset is ready, failed, canceled or expired: live status over SSE, else polling. */
  waitUntilReady(assetId: string, options?: WaitOptions): Promise<Asset> {
    return waitUntilReady(this.#ctx, assetId, options);
  }

  /** Cancels an upload still awaiting its bytes. */
  abort(assetId: string): Promise<Asset> {
    return abortUpload(this.#ctx, assetId);
  }
}

export function createClient(options: DarkroomClientOptions): DarkroomClient {
  return new DarkroomClient(options);
}
