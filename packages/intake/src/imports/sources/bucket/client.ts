import { PassThrough, type Readable } from 'node:stream';
import { ERRORS } from '@darkroom/core/error-factories';
import {
  createS3Storage,
  ResponseTooLargeError,
  StorageError,
  type CopyObjectOptions,
  type ObjectMetadata,
  type ObjectStorage,
  type S3StorageOptions,
  type StorageConfig,
} from '@darkroom/storage';
import { bucketSourceProblem, isDeploymentBucket, sameEndpoint, type DeploymentBuckets } from './checks.js';
import { sourceError } from './errors.js';
import { addressesOf, checkedAddresses, pinnedLookup, type AddressPolicy } from './endpoint-address.js';
import { keptPage, MAX_LISTING_PAGE_BYTES, SOURCE_PAGE_SIZE } from './listing-checks.js';

/** A tenant's bucket as `POST /v1/imports` names it. */
export interface BucketSourceSpec {
  /** Absent: the deployment's own S3_ENDPOINT. */
  endpoint?: string | undefined;
  region: string;
  bucket: string;
  prefix?: string | undefined;
  accessKeyId: string;
  secretAccessKey: string;
}

/** What of the deployment a bucket source needs: where its own buckets are, its storage for copies, and the address policy. */
export interface BucketSourceDeployment extends DeploymentBuckets, AddressPolicy {
  storage: StorageConfig;
  /** The deployment's own storage (its key): server-side copies are made with it. */
  objects: ObjectStorage;
  /** How copies are cut into parts (COPY_MULTIPART_THRESHOLD_BYTES, COPY_PART_SIZE). */
  copy?: Pick<CopyObjectOptions, 'multipartThreshold' | 'partSize'> | undefined;
  /** The tenant's client's timeouts and tries (storage's defaults otherwise). */
  client?: Omit<S3StorageOptions, 'lookup'> | undefined;
}

/** An object of the source as its listing or HEAD gave it: its identity is the key and the ETag. */
export interface SourceObject {
  key: string;
  size: number;
  /** As the bucket gives it, quotes included. */
  etag: string;
}

export interface SourcePage {
  /** Objects under the prefix, in key order, without "directory" placeholders (keys ending in `/`). */
  objects: SourceObject[];
  /** The cursor of the next page, null after the last. A page may hold no object and still have a next one. */
  next: string | null;
}

/** Where a copy goes: a key in one of the deployment's buckets, with the type and metadata it is written with. */
export interface CopyTarget {
  bucket: string;
  key: string;
  contentType?: string | undefined;
  metadata?: ObjectMetadata | undefined;
}

/**
 * Each request to the source takes an optional `signal` (a pause, a cancel, its time limit): once it
 * aborts, the request's socket is closed and the call, or the stream, fails with its reason.
 */
export interface BucketSource {
  readonly bucket: string;
  readonly prefix: string;
  /** Whether `copyTo` may copy at all: the source is on the deployment's endpoint. */
  readonly onDeploymentEndpoint: boolean;
  /** Whether a copy is worth asking for: on the deployment's endpoint, and not refused the deployment's key yet. */
  readonly mayCopy: boolean;
  /** Whether a copy was made: the deployment's key may read the source. */
  readonly copyAllowed: boolean;
  /**
   * One page of objects, after `cursor` (null: from the start), listed with the tenant's credentials,
   * kept to what moves the listing forward (listing-checks.ts); an answer past MAX_LISTING_PAGE_BYTES
   * is refused before it is parsed.
   */
  listPage(cursor: string | null, signal?: AbortSignal): Promise<SourcePage>;
  head(key: string, signal?: AbortSignal): Promise<SourceObject & { contentType: string | undefined }>;
  /** The object's first `length` bytes and its whole size, read with the tenant's credentials (one ranged GET). */
  readStart(key: string, length: number, signal?: AbortSignal): Promise<{ size: number; bytes: Uint8Array }>;
  /** The object's bytes, read with the tenant's credentials; its stream fails with the import's errors too. */
  open(key: string, signal?: AbortSignal): Promise<Readable>;
  /**
   * A server-side copy with the deployment's key: 'copied', or 'not_allowed' where it cannot be
   * made (another endpoint, or the deployment's key may not read the bucket), and the caller
   * streams instead. Only ever of an object the tenant's credentials have listed or HEADed.
   */
  copyTo(target: CopyTarget, object: SourceObject): Promise<'copied' | 'not_allowed'>;
}

/** Objects whose listing or HEAD is remembered, so a copy of one just listed needs no HEAD of its own. */
const REMEMBERED_OBJECTS = 10 * SOURCE_PAGE_SIZE;

/** The objects the tenant's credentials have just listed or HEADed, the oldest forgotten first. */
class RecentlySeen {
  private readonly etags = new Map<string, string>();

  remember(object: SourceObject): void {
    this.etags.delete(object.key);
    this.etags.set(object.key, object.etag);
    if (this.etags.size > REMEMBERED_OBJECTS) this.etags.delete(this.etags.keys().next().value!);
  }

  has(object: SourceObject): boolean {
    return this.etags.get(object.key) === object.etag;
  }
}

/** A stream whose errors are the import's own (a bucket cut off mid-object is `source_unreachable`). */
function withSourceErrors(body: Readable, signal: AbortSignal | undefined): Readable {
  const output = new PassThrough();
  body.on('error', (error) => output.destroy(signal?.aborted ? signal.reason : sourceError(error)));
  output.on('close', () => {
    if (!body.destroyed) body.destroy();
  });
  return body.pipe(output);
}

/** `work`'s errors as the import's own; cut off by `signal`, its reason as it is. */
async function translated<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (error instanceof ResponseTooLargeError) throw ERRORS.listingPageTooLarge(`more than ${error.maxBytes / 1024 / 1024} MiB`);
    throw sourceError(error);
  }
}

/** A URL's host as a lookup is asked for it: an IPv6 address without its brackets. */
const bareHost = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * The lookup of a tenant's own endpoint: its addresses checked once and every connection pinned to
 * them. One of the deployment's bucket names on a server that shares an address with the
 * deployment's endpoint (`localhost` for `127.0.0.1`) is the deployment's bucket under another name.
 */
async function strangerLookup(source: BucketSourceSpec, endpoint: URL, deployment: BucketSourceDeployment) {
  const host = bareHost(endpoint);
  const addresses = await checkedAddresses(host, deployment);
  if (isDeploymentBucket({ bucket: source.bucket }, deployment)) {
    const own = await addressesOf(bareHost(new URL(deployment.storage.endpoint)), deployment.resolve).catch(() => []);
    if (own.some((a) => addresses.some((b) => a.address === b.address))) throw ERRORS.ownBucketAsSource();
  }
  return pinnedLookup(host, addresses);
}

/** The tenant's client: on the deployment's endpoint as it is trusted, on another one through the checked addresses only. */
async function tenantStorage(source: BucketSourceSpec, deployment: BucketSourceDeployment, onDeploymentEndpoint: boolean): Promise<ObjectStorage> {
  const endpoint = onDeploymentEndpoint ? deployment.storage.endpoint : new URL(source.endpoint!).origin;
  const lookup = onDeploymentEndpoint ? undefined : await strangerLookup(source, new URL(source.endpoint!), deployment);
  const config: StorageConfig = {
    endpoint,
    region: source.region,
    accessKeyId: source.accessKeyId,
    secretAccessKey: source.secretAccessKey,
    bucket: source.bucket,
    publicBucket: source.bucket,
    cdnBaseUrl: undefined,
  };
  return createS3Storage(config, { ...deployment.client, lookup });
}

/**
 * A tenant's bucket as an import source. Its checks are made here again (the route made them at
 * the call): a bad name or endpoint, or one of the deployment's own buckets, is refused; a tenant's
 * endpoint that resolves to a blocked address is `blocked_address` before any request is sent. The
 * deployment's endpoint, absent or written out, is trusted: the deployment talks to it anyway.
 */
export async function openBucketSource(source: BucketSourceSpec, deployment: BucketSourceDeployment): Promise<BucketSource> {
  const wrong = bucketSourceProblem(source);
  if (wrong) throw ERRORS.invalidField(wrong.field, 'source', wrong.problem);
  if (isDeploymentBucket(source, deployment)) throw ERRORS.ownBucketAsSource();
  const onDeploymentEndpoint = source.endpoint === undefined || sameEndpoint(source.endpoint, deployment.storage.endpoint);
  const tenant = await tenantStorage(source, deployment, onDeploymentEndpoint);
  return new TenantBucketSource(source, deployment, tenant, onDeploymentEndpoint);
}

class TenantBucketSource implements BucketSource {
  readonly bucket: string;
  readonly prefix: string;
  private readonly seen = new RecentlySeen();
  /** Set once the deployment's key was refused a copy: the rest of the source is streamed without asking again. */
  private copyRefused = false;
  private copyMade = false;

  constructor(
    source: BucketSourceSpec,
    private readonly deployment: BucketSourceDeployment,
    private readonly tenant: ObjectStorage,
    readonly onDeploymentEndpoint: boolean,
  ) {
    this.bucket = source.bucket;
    this.prefix = source.prefix ?? '';
  }

  get mayCopy(): boolean {
    return this.onDeploymentEndpoint && !this.copyRefused;
  }

  get copyAllowed(): boolean {
    return this.copyMade && this.mayCopy;
  }

  /** A key outside the prefix is not part of this source. */
  private inSource(key: string): { bucket: string; key: string } {
    if (!key.startsWith(this.prefix)) throw ERRORS.sourceNotFound('bucket');
    return { bucket: this.bucket, key };
  }

  async listPage(cursor: string | null, signal?: AbortSignal): Promise<SourcePage> {
    const answered = await translated(signal, () =>
      this.tenant.listObjectsPage({
        bucket: this.bucket,
        prefix: this.prefix,
        startAfter: cursor ?? undefined,
        maxKeys: SOURCE_PAGE_SIZE,
        maxBodyBytes: MAX_LISTING_PAGE_BYTES,
        signal,
      }),
    );
    // The cursor is the last key kept, placeholders included: a page of placeholders alone still moves on.
    const page = keptPage(answered, cursor, this.prefix);
    const objects = page.objects.filter((o) => !o.key.endsWith('/')).map((o) => ({ key: o.key, size: o.size, etag: o.etag ?? '' }));
    for (const object of objects) this.seen.remember(object);
    return { objects, next: page.next };
  }

  async head(key: string, signal?: AbortSignal) {
    const head = await translated(signal, () => this.tenant.headObject({ ...this.inSource(key), signal }));
    const object = { key, size: head.size, etag: head.etag ?? '' };
    this.seen.remember(object);
    return { ...object, contentType: head.contentType };
  }

  async readStart(key: string, length: number, signal?: AbortSignal) {
    return translated(signal, () => this.tenant.readStart({ ...this.inSource(key), length, signal }));
  }

  async open(key: string, signal?: AbortSignal): Promise<Readable> {
    return withSourceErrors(await translated(signal, () => this.tenant.getStream({ ...this.inSource(key), signal })), signal);
  }

  async copyTo(target: CopyTarget, object: SourceObject): Promise<'copied' | 'not_allowed'> {
    this.inSource(object.key);
    if (!this.onDeploymentEndpoint || this.copyRefused) return 'not_allowed';
    // The deployment's key reaches only what the tenant's own credentials have just seen, as it is now.
    if (!this.seen.has(object) && (await this.head(object.key)).etag !== object.etag) throw ERRORS.sourceChanged();
    try {
      await this.deployment.objects.copyObject({
        ...this.deployment.copy,
        bucket: target.bucket,
        key: target.key,
        sourceBucket: this.bucket,
        sourceKey: object.key,
        size: object.size,
        contentType: target.contentType ?? 'application/octet-stream',
        // Written anew: none of the source's own metadata comes along.
        metadata: target.metadata ?? {},
        sourceIfMatch: object.etag || undefined,
      });
      this.copyMade = true;
      return 'copied';
    } catch (error) {
      if (error instanceof StorageError && error.kind === 'access_denied') {
        this.copyRefused = true;
        return 'not_allowed';
      }
      // The deployment's own storage failing (unavailable) is no fault of the source: it stays a StorageError.
      if (error instanceof StorageError && error.kind === 'unavailable') throw error;
      throw sourceError(error);
    }
  }
}
