import { DarkroomClient, DarkroomError, type Asset, type PreviousUpload, type UploadProgress } from '@darkroom/client';
import { formatBytes } from './format.js';

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
  /** Uploads this token started and did not finish (the client's resume store): all, or this file's. */
  findPreviousUploads(file?: File): Promise<PreviousUpload[]>;
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
      const { data } = await client.api.GET('/v1/uploads/{assetId}/parts', { params: { path: { assetId } } });
      if (!data) throw new Error('GET parts failed');
      return data.uploaded.reduce((sum, part) => sum + part.size, 0);
    },
    findPreviousUploads(file) {
      return client.findPreviousUploads(file);
    },
  };
}

export interface DescribedError {
  message: string;
  code?: string;
  /** The API refused the token itself (expired, revoked): nothing more can be sent with it. */
  tokenRefused: boolean;
}

/** `image/heic` → "HEIC": the accepted types as a person knows them. */
function typeNames(accepted: unknown): string {
  if (!Array.isArray(accepted)) return 'photos, videos and audio';
  const names = accepted.map(
    (type) =>
      String(type)
        .split('/')[1]
        ?.replace(/^quicktime$/, 'mov')
        .replace(/^mpeg$/, 'mp3')
        .replace(/^x-m4a$/, 'm4a')
        .toUpperCase() ?? String(type),
  );
  return [...new Set(names)].join(', ');
}

/** Sentences for the person at the page, by error code; the messages of the API and the client are written for developers. */
const SENTENCES: Record<string, (error: DarkroomError) => string> = {
  unsupported_media_type: (e) => `This kind of file is not accepted here. Accepted: ${typeNames(e.details?.accepted)}.`,
  file_too_large: (e) =>
    typeof e.details?.maxBytes === 'number'
      ? `The file is too large: this link takes files up to ${formatBytes(e.details.maxBytes)}.`
      : 'The file is too large.',
  rate_limited: () => 'This upload link takes no more files, or too many were sent at once. Wait a moment, or ask for a new link.',
  content_mismatch: () => 'The file’s content is not what its name says (a photo renamed, or a damaged file).',
  size_mismatch: () => 'The file changed or was cut short while it uploaded. Choose it again.',
  network_error: () => 'The connection was lost. Check the network, then choose the file again to resume.',
};

/**
 * Any failure as a sentence for the person at the page. The worker's refusal of a file
 * (asset.error) is already written for them; everything else is put in their words here, with
 * its code shown beside it for whoever helps them.
 */
export function describeError(error: unknown): DescribedError {
  if (!(error instanceof DarkroomError)) return { message: 'Something went wrong on this page. Reload it and try again.', tokenRefused: false };
  if (error.code === 'unauthorized') return { message: 'The upload link has expired or was revoked.', code: error.code, tokenRefused: true };
  const sentence =
    SENTENCES[error.code]?.(error) ?? 'The file could not be uploaded. Try again; if it keeps failing, tell whoever sent you this link.';
  return { message: sentence, code: error.code, tokenRefused: false };
}
