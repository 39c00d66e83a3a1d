import { DarkroomClient, DarkroomError, type Asset, type UploadProgress } from '@darkroom/client';

/** Statuses an asset passes through after its bytes are in, before it is final. */
export type RenderStatus = 'queued' | 'processing';

export interface SendOptions {
  signal: AbortSignal;
  /** Bytes in the bucket so far, out of the file's size. */
  onProgress(loaded: number, total: number): void;
  /** The upload is complete and the server renders it: first `queued`, then `processing`. */
  onStatus(status: RenderStatus): void;
}

/** What the page asks of the API, through @darkroom/client, with one upload token. */
export interface Session {
  /** Uploads and completes a file, then follows its render; resolves with the final asset. */
  upload(file: File, options: SendOptions & { onStarted(assetId: string): void }): Promise<Asset>;
  /** Continues an interrupted upload of the same file: only the parts the bucket lacks are sent. */
  resume(assetId: string, file: File, options: SendOptions): Promise<Asset>;
  /** Gives up an unfinished upload (the bucket frees its parts). */
  discard(assetId: string): Promise<void>;
  /** Bytes of an interrupted multipart upload the bucket already holds. */
  uploadedBytes(assetId: string): Promise<number>;
}

/** The API the page came from: `/upload`'s directory, so it works wherever the API is mounted. */
const apiBase = () => new URL('.', location.href).href.replace(/\/$/, '');

function progressHandler({ onProgress, onStatus }: SendOptions) {
  return (progress: UploadProgress) => {
    if (progress.phase === 'uploading') onProgress(progress.loaded, progress.total);
    else if (progress.asset.status === 'queued' || progress.asset.status === 'processing') onStatus(progress.asset.status);
  };
}

export function connect(token: string): Session {
  const client = new DarkroomClient({ baseUrl: apiBase(), token });
  return {
    upload(file, options) {
      return client.upload(file, { signal: options.signal, onStarted: (asset) => options.onStarted(asset.id), onProgress: progressHandler(options) });
    },
    resume(assetId, file, options) {
      return client.resume(assetId, file, { signal: options.signal, onProgress: progressHandler(options) });
    },
    async discard(assetId) {
      await client.abort(assetId);
    },
    async uploadedBytes(assetId) {
      // Only for showing how far it got; client.resume() reads the same route itself to go on.
      const res = await fetch(`${apiBase()}/v1/uploads/${encodeURIComponent(assetId)}/parts`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`GET parts: HTTP ${res.status}`);
      const body = (await res.json()) as { uploaded: { size: number }[] };
      return body.uploaded.reduce((sum, part) => sum + part.size, 0);
    },
  };
}

export interface DescribedError {
  message: string;
  code?: string;
  /** The API refused the token itself (expired, revoked): nothing more can be sent with it. */
  tokenRefused: boolean;
}

/** Any failure as a sentence for the person at the page; the API's own message when it gave one. */
export function describeError(error: unknown): DescribedError {
  if (!(error instanceof DarkroomError)) {
    return { message: `The page hit an unexpected problem: ${error instanceof Error ? error.message : String(error)}`, tokenRefused: false };
  }
  switch (error.code) {
    case 'unauthorized':
      return { message: 'The upload link has expired or was revoked.', code: error.code, tokenRefused: true };
    case 'network_error':
      return { message: 'The connection was lost. Check the network, then choose the file again to resume.', code: error.code, tokenRefused: false };
    default:
      return { message: error.message, code: error.code, tokenRefused: false };
  }
}
