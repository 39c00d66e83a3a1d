import { readFile } from 'node:fs/promises';
import { waitFor } from './services.js';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A thin HTTP client over fetch, as a content platform would call Darkroom. */
export class DarkroomClient {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  withToken(token: string): DarkroomClient {
    return new DarkroomClient(this.baseUrl, token);
  }

  async request<T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
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
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  async createTenant(name = `tenant-${Date.now()}`): Promise<{ tenantId: string; apiKey: string }> {
    const res = await this.request('POST', '/v1/admin/tenants', { name });
    if (res.status !== 201) throw new Error(`create tenant: ${res.status} ${JSON.stringify(res.body)}`);
    return { tenantId: res.body.tenant.id, apiKey: res.body.apiKey };
  }

  /** POST /v1/upload-tokens with this client's key: a client holding the new browser upload token. */
  async withUploadToken(body: object = {}): Promise<DarkroomClient> {
    const res = await this.request('POST', '/v1/upload-tokens', body);
    if (res.status !== 201) throw new Error(`mint upload token: ${res.status} ${JSON.stringify(res.body)}`);
    return this.withToken(res.body.token);
  }

  /** POST /v1/uploads, then PUT the bytes straight to the bucket (as a browser would). Returns the start response. */
  async upload(bytes: Uint8Array, meta: { filename: string; contentType: string; preset?: string }) {
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

  async uploadAndComplete(bytes: Uint8Array, meta: { filename: string; contentType: string; preset?: string }) {
    const { asset, parts } = await this.upload(bytes, meta);
    const completed = await this.request('POST', `/v1/uploads/${asset.id}/complete`, parts ? { parts } : {});
    if (completed.status !== 202) throw new Error(`complete: ${completed.status} ${JSON.stringify(completed.body)}`);
    return completed.body as { asset: any; job: any };
  }

  async uploadFile(path: string, contentType: string, filename = path.split('/').pop()!) {
    return this.uploadAndComplete(new Uint8Array(await readFile(path)), { filename, contentType });
  }

  /**
   * The tenant's settled events (`GET /v1/events`, following `nextCursor` to the end), oldest first;
   * only those of `assetId` when given, only those of `type` (a comma-separated list) when given.
   */
  async feed(filter: { assetId?: string; type?: string } = {}): Promise<any[]> {
    const items = [];
    let after = '';
    for (;;) {
      const query = `limit=100${filter.type ? `&type=${filter.type}` : ''}${after ? `&after=${after}` : ''}`;
      const res = await this.request('GET', `/v1/events?${query}`);
      if (res.status !== 200) throw new Error(`events feed: ${res.status} ${JSON.stringify(res.body)}`);
      items.push(...res.body.items);
      if (!res.body.nextCursor) break;
      after = res.body.nextCursor;
    }
    return filter.assetId ? items.filter((e) => e.data.asset.id === filter.assetId) : items;
  }

  /** Polls the asset until it reaches a final status (ready, failed, canceled, expired). */
  async waitForAsset(id: string, timeoutMs = 60_000): Promise<any> {
    return this.waitForStatus(id, ['ready', 'failed', 'canceled', 'expired'], timeoutMs);
  }

  /** Polls the asset until its status is one of `statuses`; returns it. */
  async waitForStatus(id: string, statuses: string | string[], timeoutMs = 60_000): Promise<any> {
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
