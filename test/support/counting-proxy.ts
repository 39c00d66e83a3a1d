import type { IncomingMessage } from 'node:http';
import { bucketClassOf, type BucketClass } from '@darkroom/core/contract/usage';
import { objectOwner } from '@darkroom/core/keys';
import { s3Operation, startPassThrough } from './s3-counter.js';

/**
 * Who sent a request the bucket received: Darkroom's storage client (SDK calls carry an
 * `Authorization` header; its direct HEADs, GETs and copies are URLs it presigns for itself), a
 * presigned URL Darkroom handed out (`X-Amz-Signature` in the query): a client's PUT or part, or
 * ffmpeg's and ffprobe's reads (`Lavf/…` as their User-Agent); or nobody (a public variant's URL).
 */
export type Signer = 'darkroom' | 'presigned_put' | 'presigned_read' | 'anonymous';
export const SIGNERS: readonly Signer[] = ['darkroom', 'presigned_put', 'presigned_read', 'anonymous'];

/** One request as the bucket would bill it. */
export interface ClassifiedRequest {
  /** The S3 operation (`PutObject`, `ListObjectsV2`, …). */
  operation: string;
  bucketClass: BucketClass;
  signer: Signer;
  /** The tenant its key (or a listing's prefix, or a batch delete's first key) names; null: the deployment's. */
  tenantId: string | null;
}

export type ClassCounts = Record<BucketClass, number>;
const noCounts = (): ClassCounts => ({ a: 0, b: 0, c: 0 });

type RequestHead = Pick<IncomingMessage, 'method' | 'url' | 'headers'>;

/** The operation's name as B2's classes list it: a ranged GET is a GetObject, a listing of `list-type=2` a ListObjectsV2. */
function operationOf(req: RequestHead, query: URLSearchParams): string {
  const operation = s3Operation(req).replace(/\(.*\)$/, '');
  return operation === 'ListObjects' && query.get('list-type') === '2' ? 'ListObjectsV2' : operation;
}

/** ffmpeg's and ffprobe's HTTP reads name libavformat: `Lavf/61.7.100`. */
const FFMPEG_AGENT = /^Lavf\//;

function signerOf(req: RequestHead, query: URLSearchParams, operation: string): Signer {
  if (req.headers.authorization) return 'darkroom';
  if (!query.has('X-Amz-Signature')) return 'anonymous';
  if (FFMPEG_AGENT.test(req.headers['user-agent'] ?? '')) return 'presigned_read';
  // Darkroom's own presigned requests are reads and copies: a plain PUT or a part is a client's upload.
  return operation === 'PutObject' || operation === 'UploadPart' ? 'presigned_put' : 'darkroom';
}

/** The first `<Key>` of a DeleteObjects body: a batch delete is the tenant's whose objects it names. */
const firstDeletedKey = (body: string) => /<Key>([^<]*)<\/Key>/.exec(body)?.[1]?.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/**
 * Classifies one request from what the bucket sees: method, query, headers, path (path-style:
 * `/bucket/key`) and, for a batch delete, its body. Pure, so the unit test pins every rule.
 */
export function classifyRequest(req: RequestHead, body = ''): ClassifiedRequest {
  const url = new URL(req.url ?? '/', 'http://s3');
  const query = url.searchParams;
  const operation = operationOf(req, query);
  const [, ...keyParts] = url.pathname.split('/').filter(Boolean);
  const key = keyParts.length > 0 ? decodeURIComponent(keyParts.join('/')) : (firstDeletedKey(body) ?? query.get('prefix') ?? '');
  return { operation, bucketClass: bucketClassOf(operation), signer: signerOf(req, query, operation), tenantId: objectOwner(key).tenantId };
}

/** What the proxy counted: every request by signer and class, and Darkroom's own also by tenant (null: the deployment). */
export interface ProxyTally {
  bySigner: Record<Signer, ClassCounts>;
  darkroomByTenant: Map<string | null, ClassCounts>;
  /** Darkroom's own requests by operation, for a failing comparison's message. */
  darkroomOperations: Map<string, number>;
}

export interface CountingProxy {
  /** Use as S3_ENDPOINT: everything sent here is counted, then passed on to the real server. */
  endpoint: string;
  tally(): ProxyTally;
  close(): Promise<void>;
}

function emptyTally(): ProxyTally {
  return {
    bySigner: Object.fromEntries(SIGNERS.map((s) => [s, noCounts()])) as Record<Signer, ClassCounts>,
    darkroomByTenant: new Map(),
    darkroomOperations: new Map(),
  };
}

function count(tally: ProxyTally, counted: ClassifiedRequest): void {
  tally.bySigner[counted.signer][counted.bucketClass]++;
  if (counted.signer !== 'darkroom') return;
  const tenant = tally.darkroomByTenant.get(counted.tenantId) ?? noCounts();
  tenant[counted.bucketClass]++;
  tally.darkroomByTenant.set(counted.tenantId, tenant);
  tally.darkroomOperations.set(counted.operation, (tally.darkroomOperations.get(counted.operation) ?? 0) + 1);
}

/**
 * An HTTP proxy on loopback in front of the S3 server (`startPassThrough`) that forwards everything
 * and counts each request by B2 class, by who signed it and by tenant: the independent count the
 * bucket meters are compared with. Every attempt is counted, whatever the server answers.
 */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const tally = emptyTally();
  const proxy = await startPassThrough(target, (req) => {
    // Only a batch delete's body says whose objects it names; the rest stream through untouched.
    const batchDelete = req.method === 'POST' && new URL(req.url ?? '/', 'http://s3').searchParams.has('delete');
    let body = '';
    if (batchDelete) req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    // 'close', not 'end': an attempt the client gave up on midway is still one the bucket saw.
    req.once('close', () => count(tally, classifyRequest(req, body)));
  });
  return { ...proxy, tally: () => structuredClone(tally) };
}
