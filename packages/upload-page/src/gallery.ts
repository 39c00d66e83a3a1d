import { imageProps, type Asset, type ImageOptions, type ResponsiveAsset } from '@darkroom/client';
import { el } from './dom.js';
import { formatBytes } from './format.js';
import { playStream, storyboardTrack } from './stream.js';

/** A ready asset's variant: its name, format, size, and the CDN URL it is served from. */
export type Variant = Asset['variants'][number];

/**
 * Copies a URL. The Clipboard API exists only in secure contexts (https, localhost); elsewhere the
 * URL's own field is selected and copied the old way, and if even that is refused it stays selected
 * for the user to copy by hand.
 */
async function copyUrl(field: HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(field.value);
    return true;
  } catch {
    field.focus();
    field.select();
    return document.execCommand('copy');
  }
}

function copyButton(field: HTMLInputElement, label: string): HTMLButtonElement {
  const button = el('button', { type: 'button', class: 'copy', 'aria-label': `Copy the URL of ${label}` }, 'Copy');
  button.addEventListener('click', () => {
    void copyUrl(field).then((copied) => {
      button.textContent = copied ? 'Copied' : 'Selected';
      setTimeout(() => (button.textContent = 'Copy'), 2000);
    });
  });
  return button;
}

/** What a variant is shown with: the asset's poster or cover art, and a video's storyboard. */
interface Companions {
  poster: Variant | undefined;
  storyboard: Variant | undefined;
}

/**
 * What shows a variant: an `<img>`; for a video rendition or stream (HLS) a `<video>` with the
 * asset's poster (the stream with its storyboard as a metadata track); for a storyboard its sprite
 * (beside its WebVTT file, named as it is), every tile at once; for an audio rendition an `<audio>`,
 * under its cover art when it has one; for a waveform a link to its JSON.
 */
function variantMedia(label: string, variant: Variant, { poster, storyboard }: Companions): HTMLElement {
  if (variant.kind === 'audio') {
    if (variant.format === 'waveform') return el('a', { href: variant.url, target: '_blank', rel: 'noopener' }, 'waveform peaks (JSON)');
    const audio = el('audio', { src: variant.url, controls: true, preload: 'metadata', 'aria-label': label });
    if (!poster) return audio;
    return el('div', { class: 'with-cover' }, el('img', { class: 'cover', src: poster.url, alt: `${label}, cover art`, decoding: 'async' }), audio);
  }
  const size = { width: String(variant.width), height: String(variant.height) };
  if (variant.format === 'storyboard') {
    const sprite = variant.url.replace(/\.vtt$/, '.webp');
    return el('img', {
      class: 'storyboard',
      src: sprite,
      alt: `${label} (scrub previews, ${variant.width}×${variant.height} tiles)`,
      loading: 'lazy',
      decoding: 'async',
    });
  }
  if (variant.kind === 'video') {
    const video = el('video', { ...size, controls: true, muted: true, playsinline: true, preload: 'metadata', 'aria-label': label });
    if (poster) video.poster = poster.url;
    if (variant.format !== 'hls') {
      video.src = variant.url;
      return video;
    }
    // The stream is the player a platform embeds: it gets the scrub previews.
    if (storyboard) storyboardTrack(video, storyboard.url);
    playStream(video, variant.url);
    return video;
  }
  return el('img', { src: variant.url, alt: `${label} (${variant.width}×${variant.height})`, loading: 'lazy', decoding: 'async', ...size });
}

function variantFigure(filename: string, variant: Variant, companions: Companions): HTMLElement {
  const label = `${filename}, ${variant.name}`;
  const field = el('input', { type: 'text', class: 'url', readonly: true, value: variant.url, 'aria-label': `URL of ${label}` });
  field.addEventListener('focus', () => field.select());
  const image = variantMedia(label, variant, companions);
  return el(
    'figure',
    { class: 'variant', 'data-variant': variant.name, 'data-format': variant.format },
    el('div', { class: 'frame' }, image),
    el(
      'figcaption',
      {},
      el('span', { class: 'variant-name' }, variant.name),
      el('span', { class: 'variant-facts' }, `${variantShape(variant)} · ${variant.format.toUpperCase()} · ${formatBytes(variant.size)}`),
      el('span', { class: 'copy-row' }, field, copyButton(field, label)),
    ),
  );
}

/**
 * An `<img>` with the delivery server's srcset for the asset (the browser picks the width, the
 * server the format), its dominant colour behind it until it loads; null when the asset has no
 * delivery URLs (a deployment without a delivery server's, or an asset not ready).
 */
export function responsiveImage(asset: ResponsiveAsset, options: ImageOptions, attrs: Record<string, string>): HTMLImageElement | null {
  if (!asset.delivery) return null;
  const props = imageProps(asset, options);
  const image = el('img', { ...attrs, width: String(props.width), height: String(props.height), sizes: props.sizes, srcset: props.srcSet });
  // The CSSOM, not a style attribute, which the page's CSP (style-src 'self') would refuse.
  if (props.style.backgroundColor) image.style.backgroundColor = props.style.backgroundColor;
  image.src = props.src;
  return image;
}

/** The formats the delivery server picks from for the file: its sources' (AVIF when the tenant allows it, WebP), then its src's. */
function formatsOf(delivery: NonNullable<ResponsiveAsset['delivery']>): string {
  const fallback = /[/,]f_png(,|$)/.test(delivery.src) ? 'PNG' : 'JPEG';
  return [...delivery.sources.map((s) => s.type.replace(/^image\//, '').toUpperCase()), fallback].join('/').replace('WEBP', 'WebP');
}

/** The file as the delivery server serves it, any width on request, with its default URL to copy. */
function deliveryFigure(filename: string, asset: Asset): HTMLElement | null {
  const responsive: ResponsiveAsset = asset;
  const label = `${filename}, responsive`;
  // The gallery's frames are at most about 260 px wide.
  const image = responsiveImage(
    responsive,
    { sizes: '260px' },
    { alt: `${label} (any width, AVIF, WebP or JPEG)`, loading: 'lazy', decoding: 'async' },
  );
  if (!image || !responsive.delivery) return null;
  const widths = responsive.delivery.srcset.split(', ').map((entry) => entry.slice(entry.lastIndexOf(' ') + 1, -1));
  const field = el('input', { type: 'text', class: 'url', readonly: true, value: responsive.delivery.src, 'aria-label': `URL of ${label}` });
  field.addEventListener('focus', () => field.select());
  return el(
    'figure',
    { class: 'variant', 'data-delivery': '' },
    el('div', { class: 'frame' }, image),
    el(
      'figcaption',
      {},
      el('span', { class: 'variant-name' }, 'responsive'),
      el('span', { class: 'variant-facts' }, `${widths.length} widths, ${widths[0]}–${widths.at(-1)} px · ${formatsOf(responsive.delivery)}`),
      el('span', { class: 'copy-row' }, field, copyButton(field, label)),
    ),
  );
}

/** Every variant of a ready file, smallest first, each with its CDN URL to copy; then the file as delivery serves it. */
export function variantGallery(filename: string, asset: Asset): HTMLElement {
  const sorted = [...asset.variants].sort((a, b) => a.width * a.height - b.width * b.height);
  const companions: Companions = { poster: posterOf(asset.variants), storyboard: asset.variants.find((v) => v.format === 'storyboard') };
  const figures = [...sorted.map((v) => variantFigure(filename, v, companions)), deliveryFigure(filename, asset)];
  return el(
    'div',
    { class: 'gallery', role: 'list', 'aria-label': `Variants of ${filename}` },
    ...figures.map((figure) => {
      figure?.setAttribute('role', 'listitem');
      return figure;
    }),
  );
}

/** The file's square thumbnail (96 CSS px): cut around its focus by the delivery server, else its smallest variant at least `minWidth` wide. */
export function thumbnailImage(asset: Asset, minWidth = 160): HTMLImageElement | null {
  const attrs = { class: 'thumbnail', alt: '', decoding: 'async' };
  const responsive = responsiveImage(asset, { sizes: '96px', aspectRatio: '1:1' }, attrs);
  if (responsive) return responsive;
  const variant = thumbnailVariant(asset.variants, minWidth);
  if (!variant) return null;
  const image = el('img', attrs);
  image.src = variant.url;
  return image;
}

/** Pixels for a picture (and how many sizes a stream offers), seconds for sound. */
function variantShape(variant: Variant): string {
  if (variant.kind === 'audio') return variant.duration === null ? 'audio' : `${Math.round(variant.duration)} s`;
  const sizes = variant.renditions?.length ?? 0;
  if (sizes > 1) return `${sizes} sizes, up to ${variant.width}×${variant.height}`;
  return `${variant.width}×${variant.height}`;
}

/** A video's poster for its renditions, an audio file's cover art: its largest image variant. */
function posterOf(variants: Variant[]): Variant | undefined {
  return variants.filter((v) => v.kind === 'image').sort((a, b) => b.width - a.width)[0];
}

/** The variant to show as the file's thumbnail: the smallest image at least `minWidth` wide, else the largest (never a video rendition). */
export function thumbnailVariant(variants: Variant[], minWidth = 160): Variant | undefined {
  const sorted = variants.filter((v) => v.kind === 'image').sort((a, b) => a.width - b.width);
  return sorted.find((v) => v.width >= minWidth) ?? sorted.at(-1);
}
