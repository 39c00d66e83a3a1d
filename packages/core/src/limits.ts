/**
 * Every numeric limit more than one place reads, written once: S3's own, what a request to the API
 * may carry, the defaults of the media limits several apps configure alike, and the bounds of a
 * variant's box. It imports nothing, so the published client carries a copy of it
 * (packages/client/scripts/vendored.json); test/repo/limits.test.ts refuses a literal copy elsewhere.
 */

/** The units of sizes, written once (test/repo/limits.test.ts): `16 * MiB`. */
export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
const TiB = 1024 * GiB;

// S3's multipart rules (AWS's, which Ceph RGW and MinIO enforce alike).

/** The largest object a bucket holds: no upload limit may promise more. */
export const S3_MAX_OBJECT_BYTES = 5 * TiB;
/** Parts one multipart upload may have, numbered from 1. */
export const S3_MAX_PARTS = 10_000;
/** The smallest part S3 accepts, but for the last one. */
export const S3_MIN_PART_BYTES = 5 * MiB;
/** The largest part S3 accepts (an UploadPart's body, an UploadPartCopy's range). */
export const S3_MAX_PART_BYTES = 5 * GiB;
/** The largest object one CopyObject copies; a larger one is copied in parts. */
export const S3_MAX_COPY_OBJECT_BYTES = 5 * GiB;
/**
 * COPY_PART_SIZE when unset. Each part is one request the server works through without sending
 * anything back until it is done, so parts stay well below S3's largest: the client's socket
 * timeout must not run out first.
 */
export const DEFAULT_COPY_PART_BYTES = 256 * MiB;

// What a request to the API may carry.

/** Every request body but those of routes that name their own; a larger one is `400 invalid_request`. */
export const BODY_LIMIT_BYTES = 64 * KiB;
/** The console's urlencoded forms (the login among them): smaller still. */
export const CONSOLE_FORM_LIMIT_BYTES = 4 * KiB;
/** Client JSON kept on an asset (an upload's, an import's, an import item's), as JSON. */
export const MAX_METADATA_BYTES = 4 * KiB;
/** How deep that JSON may nest: checked before anything walks it recursively. */
export const MAX_METADATA_DEPTH = 10;
/** A content type as an upload declares it, or a tenant or an upload token accepts it. */
export const MAX_CONTENT_TYPE_LENGTH = 255;
/** An asset's filename, as an upload or an import item gives it (or an import takes from a URL). */
export const MAX_FILENAME_LENGTH = 255;
/** An import item's externalId, in characters. */
export const MAX_IMPORT_EXTERNAL_ID_LENGTH = 512;
/** URL items one import takes at most (more: several imports). */
export const MAX_IMPORT_ITEMS = 10_000;
/** The body limit of `POST /v1/imports` alone. */
export const MAX_IMPORT_BODY_BYTES = 16 * MiB;
/** A URL item's URL, in bytes. */
export const MAX_IMPORT_URL_BYTES = 8 * KiB;
/** Redirects a URL item may follow, each checked as the first URL is. */
export const MAX_IMPORT_REDIRECTS = 3;
/** A bucket import's S3 endpoint, in characters. */
export const MAX_IMPORT_ENDPOINT_LENGTH = 2048;

// Renders a tenant asks for.

/** The largest width or height a delivery URL may ask (`w_`, `h_`). */
export const MAX_DELIVERY_DIMENSION = 8192;

/** A variant's box (its width and height bounds, in pixels). */
export interface VariantBox {
  readonly min: number;
  readonly max: number;
}

/**
 * The widest box any preset's variant may have: what an operator's presets file may give, and what a
 * preset read back is held to (a tenant's record in the bucket, a preset listed to a tenant), so that
 * anything ever valid is still read.
 */
export const VARIANT_BOX: VariantBox = { min: 1, max: 10_000 };

/** A box a tenant writes (its own presets): no larger than a delivery URL may ask, no smaller than a useful thumbnail. */
export const TENANT_VARIANT_BOX: VariantBox = { min: 16, max: MAX_DELIVERY_DIMENSION };

// Defaults of the media limits several apps configure alike (give every app the same values).

/** MAX_INPUT_PIXELS when unset: the worker, delivery and the API's preview refuse larger images. */
export const DEFAULT_MAX_INPUT_PIXELS = 100_000_000;
/** VIDEO_MAX_DURATION when unset (the worker refuses longer videos; delivery renders none). */
export const DEFAULT_VIDEO_MAX_DURATION = '3h';
/** VIDEO_MAX_PIXELS when unset: a 4096×2160 frame. */
export const DEFAULT_VIDEO_MAX_PIXELS = 4096 * 2160;
/** AUDIO_MAX_DURATION when unset (the API's `complete` and the worker refuse longer audio). */
export const DEFAULT_AUDIO_MAX_DURATION = '6h';
/** UPLOAD_TTL when unset: how long an upload may wait for its bytes (the API, the worker's sweeps, the bucket's rules). */
export const DEFAULT_UPLOAD_TTL = '24h';

/**
 * Live streams one upload token may hold open at once in one API process (a browser following the
 * files it uploads): counted apart from its tenant's SSE_MAX_STREAMS_PER_TENANT, which a page's
 * token could otherwise fill, shutting the platform's own stream out.
 */
export const MAX_LIVE_STREAMS_PER_UPLOAD_TOKEN = 4;
