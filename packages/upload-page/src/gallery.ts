import type { Asset } from '@darkroom/client';
import { el } from './dom.js';
import { formatBytes } from './format.js';

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

function variantFigure(filename: string, variant: Variant): HTMLElement {
  const label = `${filename}, ${variant.name}`;
  const field = el('input', { type: 'text', class: 'url', readonly: true, value: variant.url, 'aria-label': `URL of ${label}` });
  field.addEventListener('focus', () => field.select());
  const image = el('img', {
    src: variant.url,
    alt: `${label} (${variant.width}×${variant.height})`,
    loading: 'lazy',
    decoding: 'async',
    width: String(variant.width),
    height: String(variant.height),
  });
  return el(
    'figure',
    { class: 'variant', 'data-variant': variant.name },
    el('div', { class: 'frame' }, image),
    el(
      'figcaption',
      {},
      el('span', { class: 'variant-name' }, variant.name),
      el('span', { class: 'variant-facts' }, `${variant.width}×${variant.height} · ${variant.format.toUpperCase()} · ${formatBytes(variant.size)}`),
      el('span', { class: 'copy-row' }, field, copyButton(field, label)),
    ),
  );
}

/** Every variant of a ready file, smallest first, each with its CDN URL to copy. */
export function variantGallery(filename: string, variants: Variant[]): HTMLElement {
  const sorted = [...variants].sort((a, b) => a.width * a.height - b.width * b.height);
  return el(
    'div',
    { class: 'gallery', role: 'list', 'aria-label': `Variants of ${filename}` },
    ...sorted.map((v) => {
      const figure = variantFigure(filename, v);
      figure.setAttribute('role', 'listitem');
      return figure;
    }),
  );
}

/** The variant to show as the file's thumbnail: the smallest at least `minWidth` wide, else the largest. */
export function thumbnailVariant(variants: Variant[], minWidth = 160): Variant | undefined {
  const sorted = [...variants].sort((a, b) => a.width - b.width);
  return sorted.find((v) => v.width >= minWidth) ?? sorted.at(-1);
}
