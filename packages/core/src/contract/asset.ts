import { z } from 'zod';
import { ASSET_KINDS, assetKindOf } from '../content-types.js';
import { Crop, Focus } from '../delivery.js';
import { DeliveryMarkup, deliveryMarkupAt } from '../delivery-markup.js';
import { VISIBILITIES } from '../private-links.js';
import { assetUrlsOf, type DeliveryContext, type PublicUrl } from './asset-urls.js';
export { privateLinkContext } from './asset-urls.js';
import { ErrorSummary } from './error.js';
import { AssetModeration, PENDING_MODERATION } from './moderation.js';

export type { DeliveryContext, PrivateLinkContext, PublicUrl } from './asset-urls.js';

/** The statuses a tenant ever sees (the database has one more: an asset being deleted is already gone for the API). */
export const VISIBLE_ASSET_STATUSES = [
  'awaiting_upload',
  'queued',
  'processing',
  'held',
  'ready',
  'failed',
  'rejected',
  'canceled',
  'expired',
] as const;
export type VisibleAssetStatus = (typeof VISIBLE_ASSET_STATUSES)[number];

/** One rung of an HLS ladder: its frame and its peak bit rate (the master playlist's `BANDWIDTH`). */
export const HlsRendition = z.object({
  width: z.number().int(),
  height: z.number().int(),
  bandwidth: z.number().int().describe('Bits per second, the highest of any segment'),
});
export type HlsRendition = z.infer<typeof HlsRendition>;

const variantFields = {
  name: z.string(),
  kind: z
    .enum(ASSET_KINDS)
    .describe(
      '`video` for a rendition (`mp4`, `webm`), a ladder (`hls`) or a `storyboard`; `audio` for an audio rendition or waveform; `image` otherwise (a poster, cover art)',
    ),
  format: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  duration: z.number().nullable().describe('Seconds, for a video rendition; null for an image'),
  size: z.number().int().describe('Bytes; of an `hls` ladder, all its playlists and segments together'),
  renditions: z
    .array(HlsRendition)
    .optional()
    .describe("An `hls` ladder's rungs, highest first (its `url` is the master playlist); absent for every other format"),
};

/** How a video's HDR was handled: kept as is (HLG/PQ renditions), or tone-mapped to SDR; null for SDR sources. */
/** Faces an asset keeps at most (found, or marked by hand through `PATCH /v1/assets/:id`). */
export const MAX_FACES = 100;
const unit = z.number().min(0).max(1);
/** What `x + width` may pass 1 by: a box to the edge written in decimals (0.7 + 0.3) sums just past it in floating point. */
const FACE_EDGE_SLACK = 1e-9;
/** A face in an image: 0..1 of the displayed image (the whole image, not its crop); `score` the detector's confidence (1: marked by hand). */
export const FaceBox = z.object({ x: unit, y: unit, width: unit, height: unit, score: unit });
export type FaceBox = z.infer<typeof FaceBox>;

/** A face marked by hand (`PATCH /v1/assets/:id`): inside the image, of positive size; `score` 1 unless given. */
export const FaceBoxInput = z
  .strictObject({ x: unit, y: unit, width: unit.positive(), height: unit.positive(), score: unit.default(1) })
  .refine((box) => box.x + box.width <= 1 + FACE_EDGE_SLACK, { message: 'x + width must be at most 1 (inside the image)', path: ['width'] })
  .refine((box) => box.y + box.height <= 1 + FACE_EDGE_SLACK, { message: 'y + height must be at most 1 (inside the image)', path: ['height'] });

/** The faces of a PATCH, largest first as the detector's are (equal areas keep their order). */
export function facesLargestFirst(faces: readonly FaceBox[]): FaceBox[] {
  return [...faces].sort((a, b) => b.width * b.height - a.width * a.height);
}

export const VIDEO_HDR_HANDLING = ['kept', 'tone_mapped'] as const;

/** What a video's probe found, as the tenant sees it (null for images). */
export const VideoInfo = z
  .object({
    codec: z.string().describe("The video stream's codec, as ffprobe names it (`h264`, `hevc`, `vp9`, `av1`, …)"),
    fps: z.number().describe('Frames per second, e.g. 29.97'),
    audio: z.boolean().describe('Whether the original has an audio stream'),
    hdr: z
      .enum(VIDEO_HDR_HANDLING)
      .nullable()
      .describe('An HDR original (HLG or PQ): `tone_mapped` when its renditions were mapped to SDR, `kept` when they carry it as is; null for SDR'),
  })
  .nullable();
export type VideoInfo = z.infer<typeof VideoInfo>;

/** What an audio original's probe found (null for images and videos); `loudness` is null until the worker measured it. */
export const AudioInfo = z
  .object({
    codec: z.string().describe("The audio stream's codec, as ffprobe names it (`mp3`, `aac`, `flac`, `opus`, `vorbis`, `pcm_s16le`, …)"),
    sampleRate: z.number().int().describe('Samples per second, e.g. 44100'),
    channels: z.number().int(),
    loudness: z.number().nullable().describe('Integrated loudness in LUFS (EBU R128); null until measured'),
  })
  .nullable();
export type AudioInfo = z.infer<typeof AudioInfo>;

/** A variant as an event stores it: its object key, so its URL follows CDN_BASE_URL when the event is read. */
export const VariantSnapshot = z.object({ ...variantFields, key: z.string() });
export type VariantSnapshot = z.infer<typeof VariantSnapshot>;

/** A variant as a tenant sees it: where to fetch it (the CDN, or the bucket). */
export const VariantView = z.object({
  ...variantFields,
  url: z
    .string()
    .describe(
      'Public (CDN) URL, of a private asset a private URL (`/p/{exp}/{sig}/{id}/…`); of a `storyboard`, its WebVTT file, whose cues point into the WebP sprite beside it with `#xywh=`',
    ),
});
export type VariantView = z.infer<typeof VariantView>;

const VARIANTS_LISTED = 'Empty until the asset is ready; a playable asset still `processing` lists its `hls` variants alone';

/**
 * The asset as an event stores it: the tenant's Asset with each variant's object key where its URL
 * will be. Variants are listed only once the asset is ready.
 */
export const AssetSnapshot = z.object({
  id: z.string(),
  status: z.enum(VISIBLE_ASSET_STATUSES),
  playable: z
    .boolean()
    .nullable()
    .describe(
      'Video and audio: whether the stream can be played, `false` until it can and `true` from then on (a long video while still `processing`: its `stream` variant lists the rungs finished so far); null for an image',
    ),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  preset: z.string(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  kind: z.enum(ASSET_KINDS).describe('Follows the checked content type'),
  width: z.number().int().nullable().describe("As displayed: after EXIF orientation, or a video's rotation; null for audio"),
  height: z.number().int().nullable(),
  format: z.string().nullable().describe('The image format or container read from the file (`jpeg`, `heif`, `mp4`, `mov`, `webm`, …)'),
  duration: z.number().nullable().describe('Seconds (video and audio)'),
  video: VideoInfo,
  audio: AudioInfo,
  placeholder: z.string().nullable().describe('ThumbHash, base64 (of a video: of its poster frame; of audio: of its cover art, else null)'),
  dominantColor: z.string().nullable(),
  revision: z.number().int().describe('1 at upload, + 1 on every focus, crop or faces change; delivery URLs carry it'),
  focus: Focus.nullable().describe('Where `cover` crops: 0..1 of the displayed image (the whole of it, not the crop); null: the centre'),
  crop: Crop.nullable().describe('Displayed pixels every variant and delivery is cut from; null: the whole image'),
  faces: z
    .array(FaceBox)
    .max(MAX_FACES)
    .nullable()
    .describe(
      'Faces in the image (of a video: its poster frame; of audio: its cover art), largest first, each 0..1 of the displayed image (the whole of it, not the crop): found at ingest or marked by hand (`PATCH`); null before the search or where it is off',
    ),
  hasAlpha: z.boolean().nullable().describe("Stored only: whether the image has transparency (the markup's `src` format)"),
  visibility: z
    .enum(VISIBILITIES)
    .describe('`private`: every URL of the asset is a private URL that expires (`urlsExpireAt`); its objects are in no public bucket'),
  moderation: AssetModeration.describe("What the checks of its tenant's policy found, and the decision on it"),
  variants: z.array(VariantSnapshot).describe(VARIANTS_LISTED),
  error: ErrorSummary,
  createdAt: z.string(),
  updatedAt: z.string(),
  readyAt: z.string().nullable(),
});
export type AssetSnapshot = z.infer<typeof AssetSnapshot>;

/** The Asset a tenant sees (`GET /v1/assets/:id`, events, webhooks): a snapshot with its variants' URLs. */
export const AssetView = AssetSnapshot.omit({ hasAlpha: true })
  .extend({
    variants: z.array(VariantView).describe(VARIANTS_LISTED),
    urlsExpireAt: z.string().nullable().describe("When a private asset's URLs stop working (ISO 8601); null for a public asset"),
    delivery: DeliveryMarkup.describe(
      "Responsive markup for a ready image or video poster (delivery URLs within the tenant's policy); null otherwise",
    ),
  })
  .meta({ id: 'Asset' });
export type AssetView = z.infer<typeof AssetView>;

/**
 * The Asset a snapshot shows today: each variant's key turned into its URL, and its delivery markup
 * built with the tenant's policy as it is now. Events stored before video existed lack `kind`,
 * `duration` and `video`: they were images, and show as such; those stored before audio lack `audio`. Those stored before focus and crop
 * lack `revision`, `focus`, `crop` and `hasAlpha`: they were revision 1, uncropped, and show as such; those stored before faces lack `faces`: not searched (null); those stored before
 * private media lack `visibility`: they were public; those stored before `playable`, lack it: a video or audio that was ever ready was playable; those stored before moderation lack `moderation` (moderationBefore). A private asset's URLs are all private ones, under one expiry.
 */
export function viewOfSnapshot(snapshot: AssetSnapshot, publicUrl: PublicUrl, delivery: DeliveryContext): AssetView {
  const stored: Partial<AssetSnapshot> = snapshot;
  const { hasAlpha: _internal, ...shown } = snapshot;
  const visibility = stored.visibility ?? 'public';
  const kind = stored.kind ?? assetKindOf(snapshot.contentType);
  const moderation = stored.moderation ?? moderationBefore(snapshot.status);
  // A held asset is servable through private links alone, whatever its visibility.
  const urls = assetUrlsOf({ id: snapshot.id, visibility: snapshot.status === 'held' ? 'private' : visibility }, publicUrl, delivery);
  const view = {
    ...shown,
    kind,
    playable: stored.playable ?? (kind === 'image' ? null : snapshot.readyAt !== null),
    duration: stored.duration ?? null,
    video: stored.video ?? null,
    audio: stored.audio ?? null,
    revision: stored.revision ?? 1,
    focus: stored.focus ?? null,
    crop: stored.crop ?? null,
    faces: stored.faces ?? null,
    visibility,
    moderation,
    variants: snapshot.variants.map(({ key, ...v }) => ({ ...v, kind: v.kind ?? 'image', duration: v.duration ?? null, url: urls.object(key) })),
    urlsExpireAt: urls.expiresAt,
  };
  return { ...view, delivery: markupOf(view, stored.hasAlpha ?? false, urls.markupBase, delivery) };
}

/** An event stored before moderation: a ready asset was published unchecked (`clear`), any other not yet checked. */
const moderationBefore = (status: VisibleAssetStatus): AssetModeration =>
  status === 'ready' ? { ...PENDING_MODERATION, state: 'clear' } : PENDING_MODERATION;

/** `asset.delivery`: for a ready image or video (its poster) of known size; null otherwise. */
function markupOf(
  asset: Omit<AssetView, 'delivery'>,
  hasAlpha: boolean,
  markupBase: (revision: number) => string,
  delivery: DeliveryContext,
): DeliveryMarkup {
  if (asset.status !== 'ready' || asset.width === null || asset.height === null) return null;
  const { revision, width, height, crop } = asset;
  return deliveryMarkupAt(markupBase(revision), { width, height, crop, hasAlpha }, delivery.policy);
}
