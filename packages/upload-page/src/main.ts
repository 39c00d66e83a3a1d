import { byId } from './dom.js';
import { FileCard } from './file-card.js';
import type { PreviousUpload } from '@darkroom/client';
import { forgetToken, takeToken } from './token.js';
import { connect, describeError, type RenderStatus, type Session } from './uploads.js';

/** Files sent at once; the rest wait their turn (each multipart upload also sends its parts in parallel). */
const PARALLEL_UPLOADS = 3;

interface Entry {
  card: FileCard;
  controller: AbortController;
  /** Set once the API has started its asset: what a cancel aborts and a resume continues. */
  assetId?: string;
  /** Sending bytes now: a cancel's abort reaches the client, which aborts the upload itself. */
  inFlight?: boolean;
}

const list = byId<HTMLOListElement>('files');
const input = byId<HTMLInputElement>('picker');
const dropzone = byId<HTMLLabelElement>('dropzone');
const notice = byId<HTMLParagraphElement>('notice');

function showNotice(text: string): void {
  notice.textContent = text;
  notice.hidden = false;
}

function disable(text: string): void {
  showNotice(text);
  input.disabled = true;
  dropzone.classList.add('disabled');
}

/** Runs at most `limit` tasks at once, in the order they were queued. */
function taskQueue(limit: number) {
  let running = 0;
  const waiting: (() => Promise<void>)[] = [];
  const next = () => {
    while (running < limit && waiting.length) {
      const task = waiting.shift()!;
      running++;
      void task().finally(() => {
        running--;
        next();
      });
    }
  };
  return (task: () => Promise<void>) => {
    waiting.push(task);
    next();
  };
}

async function start(): Promise<void> {
  const taken = takeToken();
  if ('problem' in taken) return disable(taken.problem);
  const session: Session = connect(taken.token);
  const enqueue = taskQueue(PARALLEL_UPLOADS);
  /**
   * Uploads cut off (a reload, a crash, a lost connection), by asset id, waiting for the user to pick
   * their files again: the client's resume store knows them, and which file continues which.
   */
  const interrupted = new Map<string, Entry>();

  function newEntry(name: string, size: number): Entry {
    const entry: Entry = { card: new FileCard(name, size, () => cancel(entry)), controller: new AbortController() };
    list.prepend(entry.card.element);
    return entry;
  }

  function cancel(entry: Entry): void {
    const wasSending = entry.inFlight;
    entry.controller.abort();
    entry.card.canceled();
    if (!entry.assetId) return;
    interrupted.delete(entry.assetId);
    // An upload in flight is aborted by the client on the signal; one interrupted earlier is aborted
    // here. The bucket frees the parts already sent (or the server's own expiry does, later).
    if (!wasSending) session.discard(entry.assetId).catch(() => {});
  }

  function fail(entry: Entry, error: unknown): void {
    if (entry.controller.signal.aborted) return;
    const { message, code, tokenRefused } = describeError(error);
    entry.card.failed(message, code);
    if (tokenRefused) {
      forgetToken();
      disable('This upload link has expired or was revoked. Ask for a new one to upload more files.');
    }
  }

  /** Upload (or resume) and complete, then follow the render until the file is ready or has failed. */
  async function send(entry: Entry, file: File, resumeId?: string): Promise<void> {
    const { signal } = entry.controller;
    if (signal.aborted) return;
    const resumed = resumeId !== undefined;
    const options = {
      signal,
      onProgress: (loaded: number, total: number) => entry.card.uploading(loaded, total, resumed),
      onStatus: (status: RenderStatus) => {
        entry.inFlight = false;
        entry.card.processing(status);
      },
    };
    const onStarted = (assetId: string) => {
      entry.assetId = assetId;
      entry.card.element.dataset.assetId = assetId;
    };
    entry.inFlight = true;
    try {
      entry.card.uploading(0, file.size, resumed);
      const asset = resumeId ? await session.resume(resumeId, file, options) : await session.upload(file, { ...options, onStarted });
      if (asset.status === 'ready') entry.card.ready(asset);
      else entry.card.failed(asset.error?.message ?? `The file could not be processed (${asset.status}).`, asset.error?.code);
    } catch (error) {
      fail(entry, error);
    } finally {
      entry.inFlight = false;
    }
    // Cut off by the network: picking the same file again continues it (the client keeps it). Anything else is final.
    if (entry.assetId && entry.card.errorCode === 'network_error') interrupted.set(entry.assetId, entry);
  }

  /** The interrupted upload this file continues, if the user picked the same file again. */
  async function interruptedBy(file: File): Promise<string | undefined> {
    const previous = await session.findPreviousUploads(file).catch(() => []);
    return previous.find((p) => interrupted.has(p.assetId))?.assetId;
  }

  async function addFiles(files: File[]): Promise<void> {
    notice.hidden = true;
    for (const file of files) {
      const resumeId = await interruptedBy(file);
      const resumed = resumeId ? interrupted.get(resumeId) : undefined;
      if (resumeId) interrupted.delete(resumeId);
      const entry = resumed ?? newEntry(file.name, file.size);
      enqueue(() => send(entry, file, resumeId));
    }
  }

  function showInterrupted(record: PreviousUpload): void {
    const entry = newEntry(record.filename, record.size);
    entry.assetId = record.assetId;
    entry.card.element.dataset.assetId = record.assetId;
    entry.card.interrupted();
    interrupted.set(record.assetId, entry);
    // How far it got: the bucket's parts (fails quietly if the upload is gone; picking the file then says why).
    session.uploadedBytes(record.assetId).then(
      (loaded) => entry.card.interrupted(loaded, record.size),
      () => {},
    );
  }

  // Newest first from the store: each is prepended, so the newest ends on top.
  for (const record of (await session.findPreviousUploads()).reverse()) showInterrupted(record);

  input.addEventListener('change', () => {
    if (input.files?.length) void addFiles(Array.from(input.files));
    input.value = ''; // The same file may be picked again (after a cancel, say).
  });
  // The input covers the drop zone, so a drop lands on it; the files dropped are put into the input
  // itself (DataTransfer's FileList), whichever element took the drop, and arrive through `change`.
  for (const type of ['dragenter', 'dragover']) dropzone.addEventListener(type, () => dropzone.classList.add('dragging'));
  dropzone.addEventListener('dragleave', () => dropzone.classList.remove('dragging'));
  dropzone.addEventListener('drop', (event) => {
    event.preventDefault();
    dropzone.classList.remove('dragging');
    if (input.disabled || !event.dataTransfer?.files.length) return;
    input.files = event.dataTransfer.files;
    input.dispatchEvent(new Event('change'));
  });
}

// A file dropped anywhere else (or on a page without a token) must not make the browser leave the page to open it.
for (const type of ['dragover', 'drop']) window.addEventListener(type, (event) => event.preventDefault());
void start();
