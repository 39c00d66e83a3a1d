import { el } from './dom.js';
import { formatBytes, percent } from './format.js';
import type { Asset } from '@darkroom/client';
import { thumbnailImage, variantGallery } from './gallery.js';
import { placeholderUrl } from './placeholder.js';

/** A file's place in its journey, shown as `data-state` on its card (the stylesheet colours by it). */
export type CardState = 'waiting' | 'uploading' | 'processing' | 'ready' | 'failed' | 'canceled' | 'interrupted';

/**
 * One file on the page: its name and size, a progress bar while it uploads, a status line that
 * screen readers hear, the error in words when it fails, and once it is ready a thumbnail (its
 * ThumbHash placeholder first) and the gallery of its variants. Only text goes in, never HTML.
 */
export class FileCard {
  readonly element: HTMLLIElement;
  private readonly progress: HTMLProgressElement;
  private readonly status: HTMLParagraphElement;
  private readonly error: HTMLParagraphElement;
  private readonly thumb: HTMLDivElement;
  private readonly cancelButton: HTMLButtonElement;
  private readonly body: HTMLDivElement;

  constructor(
    private readonly name: string,
    size: number,
    onCancel: () => void,
  ) {
    this.progress = el('progress', { max: '100', value: '0', 'aria-label': `Upload of ${name}` });
    this.status = el('p', { class: 'status', role: 'status' });
    this.error = el('p', { class: 'error', role: 'alert', hidden: true });
    this.thumb = el('div', { class: 'thumb', 'aria-hidden': 'true' });
    this.cancelButton = el('button', { type: 'button', class: 'cancel', 'aria-label': `Cancel the upload of ${name}` }, 'Cancel');
    this.cancelButton.addEventListener('click', onCancel);
    const head = el(
      'div',
      { class: 'head' },
      el('span', { class: 'name' }, name),
      el('span', { class: 'size' }, formatBytes(size)),
      this.cancelButton,
    );
    this.body = el('div', { class: 'body' }, head, this.progress, this.status, this.error);
    this.element = el('li', { class: 'file' }, this.thumb, this.body);
    this.setState('waiting', 'Waiting to upload…');
  }

  get state(): CardState {
    return this.element.dataset.state as CardState;
  }

  /** The code of the error shown, if the card shows one. */
  get errorCode(): string | undefined {
    return this.element.dataset.errorCode;
  }

  private setState(state: CardState, status: string): void {
    this.element.dataset.state = state;
    delete this.element.dataset.errorCode;
    this.error.hidden = state !== 'failed';
    this.status.textContent = status;
    const unfinished = state === 'waiting' || state === 'uploading' || state === 'interrupted';
    this.cancelButton.hidden = !unfinished;
    this.progress.hidden = !unfinished;
  }

  uploading(loaded: number, total: number, resumed = false): void {
    const done = percent(loaded, total);
    this.progress.value = done;
    this.setState('uploading', `${resumed ? 'Resuming' : 'Uploading'}… ${done}% (${formatBytes(loaded)} of ${formatBytes(total)})`);
  }

  /** Uploaded; the server renders it. `queued` until a worker takes it, then `processing`. */
  processing(status: 'queued' | 'processing'): void {
    this.progress.value = 100;
    this.setState('processing', status === 'queued' ? 'Uploaded. Waiting for its turn to be processed…' : 'Uploaded. Making the web versions…');
  }

  ready(asset: Asset): void {
    this.setState(
      'ready',
      `Ready: ${asset.variants.length} version${asset.variants.length === 1 ? '' : 's'}${asset.width && asset.height ? `, original ${asset.width}×${asset.height}` : ''}.`,
    );
    this.showThumbnail(asset);
    this.body.append(variantGallery(this.name, asset));
  }

  failed(message: string, code?: string): void {
    this.setState('failed', code ? `Failed (${code}).` : 'Failed.');
    if (code) this.element.dataset.errorCode = code;
    this.error.textContent = message;
  }

  canceled(): void {
    this.setState('canceled', 'Canceled.');
  }

  /** An upload cut off (a reload, a lost connection) that the same file can continue. */
  interrupted(loaded?: number, total?: number): void {
    const done = loaded !== undefined && total ? percent(loaded, total) : undefined;
    if (done !== undefined) this.progress.value = done;
    this.setState('interrupted', `Interrupted${done === undefined ? '' : ` at ${done}%`}. Choose ${this.name} again to resume.`);
  }

  /** The ThumbHash placeholder at once, then the thumbnail over it as soon as it has loaded. */
  private showThumbnail(asset: Asset): void {
    const placeholder = placeholderUrl(asset.placeholder);
    if (placeholder) this.thumb.append(el('img', { class: 'placeholder', src: placeholder, alt: '' }));
    const image = thumbnailImage(asset);
    if (!image) return;
    image.addEventListener('load', () => image.classList.add('loaded'), { once: true });
    this.thumb.append(image);
  }
}
