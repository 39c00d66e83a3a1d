import { readFile } from 'node:fs/promises';
import {
  isAssetEvent,
  type Asset,
  type AssetEvent,
  type components,
  type Event,
  type JsonBody,
  type StartUploadBody,
  type UploadInstructions,
} from '@darkroom/client';
import type { ErrorBody, Method, PathOf, RequestBody, SuccessBody } from './api-types.js';
import { waitFor } from './services.js';
import { untilEventsSettled } from './settled-events.js';

/**
 * An answer as a test reads it. `body` has the route's success shape; on a refusal it holds the
 * contract's `error` instead (absent on success, so a test reads `body.error?.code`).
 */
export interface ApiResponse<Body = unknown> {
  status: number;
  body: Body & Partial<ErrorBody>;
  headers: Headers;
}

type UploadMeta = Omit<StartUploadBody, 'size'>;
type Completed = SuccessBody<'POST', `/v1/uploads/${string}/complete`>;

/**
 * The API as a content platform calls it, over fetch, typed from the generated OpenAPI `paths`:
 * `request` takes only routes the document has, with their bodies. `@darkroom/client` is what
 * platforms use; this is the wire itself, so tests see every status and header.
 */
export class TestApi {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  withToken(token: string): TestApi {
    return new TestApi(this.baseUrl, token);
  }

  request<M extends Method, P extends PathOf<M>>(method: M, path: P, body?: RequestBody<M, P>): Promise<ApiResponse<SuccessBody<M, P>>> {
    return this.raw(method, path, body);
  }

  /**
   * Untyped: for what the document does not describe, on purpose (a hostile or malformed body, a
   * route or method it lacks). Everything else goes through `request`.
   */
  async raw(method: string, path: string, body?: unknown): Promise<ApiResponse<any>> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const parsed = text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    return { status: response.status, body: parsed, headers: response.headers };
  }

  async createTenant(name = `tenant-${Date.now()}`): Promise<{ tenantId: string; apiKey: string }> {
    const res = await this.request('POST', '/v1/admin/tenants', { name });
    if (res.status !== 201) throw new Error(`create tenant: ${res.status} ${JSON.stringify(res.body)}`);
    return { tenantId: res.body.tenant.id, apiKey: res.body.apiKey };
  }

  /** POST /v1/upload-tokens with this client's key: a client holding the new browser upload token. */
  async withUploadToken(body: JsonBody<'/v1/upload-tokens', 'post'> = {}): Promise<TestApi> {
    const res = await this.request('POST', '/v1/upload-tokens', body);
    if (res.status !== 201) throw new Error(`mint upload token: ${res.status} ${JSON.stringify(res.body)}`);
    return this.withToken(res.body.token);
  }

  /** POST /v1/uploads, then PUT the bytes straight to the bucket (as a browser would). Returns the start response. */
  async upload(bytes: Uint8Array, meta: UploadMeta) {
    const started = await this.request('POST', '/v1/uploads', { ...meta, size: bytes.byteLength });
    if (started.status !== 201) throw new Error(`start upload: ${started.status} ${JSON.stringify(started.body)}`);
    const { upload, asset } = started.body;
    let parts: { partNumber: number; etag: string }[] | undefined;
    if (upload.method === 'PUT') {
      const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes as Uint8Array<ArrayBuffer> });
      if (!put.ok) throw new Error(`PUT to bucket: ${put.status} ${await put.text()}`);
    } else {
      parts = await putParts(bytes, upload.partSize, upload.parts);
    }
    return { asset, upload, parts };
  }

  async uploadAndComplete(bytes: Uint8Array, meta: UploadMeta): Promise<Completed> {
    const { asset, parts } = await this.upload(bytes, meta);
    const completed = await this.request('POST', `/v1/uploads/${asset.id}/complete`, parts ? { parts } : {});
    if (completed.status !== 202) throw new Error(`complete: ${completed.status} ${JSON.stringify(completed.body)}`);
    return completed.body;
  }

  async uploadFile(path: string, contentType: string, filename = path.split('/').pop()!) {
    return this.uploadAndComplete(new Uint8Array(await readFile(path)), { filename, contentType });
  }

  /**
   * The tenant's settled events (`GET /v1/events`, following `nextCursor` to the end), oldest first;
   * only those of `assetId` when given, only those of `type` (a comma-separated list) when given.
   */
  async feed(filter: { assetId?: string; type?: string } = {}): Promise<AssetEvent[]> {
    const assets = (await this.events(filter)).filter(isAssetEvent);
    return filter.assetId ? assets.filter((e) => e.data.asset.id === filter.assetId) : assets;
  }

  /**
   * Every event of the tenant written before the call, an asset's or an import's (`GET /v1/events` to
   * its end, once they are settled), oldest first.
   */
  async events(filter: { type?: string } = {}): Promise<Event[]> {
    await untilEventsSettled();
    const items: Event[] = [];
    let after = '';
    for (;;) {
      const query = `limit=100${filter.type ? `&type=${filter.type}` : ''}${after ? `&after=${after}` : ''}`;
      const res = await this.request('GET', `/v1/events?${query}`);
      if (res.status !== 200) throw new Error(`events feed: ${res.status} ${JSON.stringify(res.body)}`);
      items.push(...res.body.items);
      if (!res.body.nextCursor) break;
      after = res.body.nextCursor;
    }
    return items;
  }

  /** Polls the asset until it reaches a final status (ready, failed, canceled, expired). */
  async waitForAsset(id: string, timeoutMs = 60_000): Promise<Asset> {
    return this.waitForStatus(id, ['ready', 'held', 'failed', 'rejected', 'canceled', 'expired'], timeoutMs);
  }

  /** Polls the asset until its status is one of `statuses`; returns it. */
  async waitForStatus(id: string, statuses: Asset['status'] | Asset['status'][], timeoutMs = 60_000): Promise<Asset> {
    const wanted = typeof statuses === 'string' ? [statuses] : statuses;
    return waitFor(
      `asset ${id} to be ${wanted.join(' or ')}`,
      async () => {
        const res = await this.request('GET', `/v1/assets/${id}`);
        if (res.status !== 200) throw new Error(`get asset: ${res.status} ${JSON.stringify(res.body)}`);
        return wanted.includes(res.body.status) ? res.body : null;
      },
      timeoutMs,
      150,
    );
  }
}

/** The backfill a `POST /v1/admin/backfill` started; throws on a dry run's report, which starts none. */
export function startedBackfill(body: SuccessBody<'POST', '/v1/admin/backfill'>): components['schemas']['Backfill'] {
  if (!('backfill' in body)) throw new Error(`no backfill started: ${JSON.stringify(body)}`);
  return body.backfill;
}

/** The start answer's instructions for one PUT; throws when the API chose multipart. */
export function asSinglePut(upload: UploadInstructions): Extract<UploadInstructions, { method: 'PUT' }> {
  if (upload.method !== 'PUT') throw new Error(`expected one PUT, the API chose ${upload.method}`);
  return upload;
}

/** The start answer's instructions for a multipart upload; throws when the API chose one PUT. */
export function asMultipart(upload: UploadInstructions): Extract<UploadInstructions, { method: 'MULTIPART' }> {
  if (upload.method !== 'MULTIPART') throw new Error(`expected multipart, the API chose ${upload.method}`);
  return upload;
}

async function putParts(bytes: Uint8Array, partSize: number, parts: { partNumber: number; url: string }[]) {
  return Promise.all(
    parts.map(async ({ partNumber, url }) => {
      const chunk = bytes.subarray((partNumber - 1) * partSize, partNumber * partSize);
      const res = await fetch(url, { method: 'PUT', body: chunk as Uint8Array<ArrayBuffer> });
      if (!res.ok) throw new Error(`PUT part ${partNumber}: ${res.status} ${await res.text()}`);
      return { partNumber, etag: res.headers.get('etag')! };
    }),
  );
}
