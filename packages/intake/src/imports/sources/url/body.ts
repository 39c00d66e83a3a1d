import { Readable } from 'node:stream';
import { ERRORS } from '@darkroom/core/error-factories';
import { connectionFailure, inSeconds, type Hop } from './guarded-request.js';

export interface BodyLimits {
  /** The tenant's size limit: a body that announced no size is cut off past it. */
  maxBytes: number;
  /** The longest the server may send nothing while the reader waits for bytes. */
  idleTimeoutMs: number;
  /** The answer's Content-Length, or null when it announced none. */
  announced: number | null;
  /** Aborted by the caller or the import's total time limit: the body ends with its reason. */
  stop: AbortSignal;
}

/**
 * The bytes of a URL source's answer, as they come: no further ahead of its reader than a stream's
 * buffer (the answer is paused while the reader is), and ended with the DarkroomError an item records
 * when the server goes past the size limit, falls silent, closes before its Content-Length, or sends
 * more than it.
 *
 * Past a Content-Length, Node's HTTP parser hands on exactly the announced bytes and fails the request
 * as invalid HTTP on any byte that follows them while the connection is open, which ends this body as
 * one that sent more. A server that sends the rest only once the announced bytes have all been read is
 * not caught: the connection is closed at the end of the announced body, the rest is never read, and
 * the announced bytes are the file, as HTTP defines it.
 */
export class SourceBody extends Readable {
  readonly #hop: Hop;
  readonly #limits: BodyLimits;
  #received = 0;
  #silence: NodeJS.Timeout | undefined;
  readonly #onStop = () => this.destroy(this.#limits.stop.reason);

  constructor(hop: Hop, limits: BodyLimits) {
    super();
    this.#hop = hop;
    this.#limits = limits;
    // Paused before the reader is added, so nothing flows until this stream is read.
    hop.response.pause();
    hop.response.on('data', (chunk: Buffer) => this.#take(chunk));
    hop.response.on('end', () => this.#end());
    hop.response.on('error', () => this.#cutShort());
    hop.request.on('error', (error) => this.#failed(error));
    if (hop.errorAfterHead) this.#failed(hop.errorAfterHead);
    else if (limits.stop.aborted) this.#onStop();
    else limits.stop.addEventListener('abort', this.#onStop, { once: true });
  }

  override _read(): void {
    this.#hop.response.resume();
    this.#awaitBytes();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#silence);
    this.#limits.stop.removeEventListener('abort', this.#onStop);
    this.#hop.response.destroy();
    this.#hop.request.destroy();
    callback(error);
  }

  /** The silence limit runs only while the reader is waiting: a paused answer is the reader's doing. */
  #awaitBytes(): void {
    clearTimeout(this.#silence);
    const { idleTimeoutMs } = this.#limits;
    this.#silence = setTimeout(
      () => this.destroy(ERRORS.sourceUnreachable('url', `nothing received for ${inSeconds(idleTimeoutMs)}`)),
      idleTimeoutMs,
    );
  }

  #take(chunk: Buffer): void {
    clearTimeout(this.#silence);
    if (this.destroyed) return;
    this.#received += chunk.length;
    // Only a body without a Content-Length gets here: a larger announced size was refused before reading.
    if (this.#received > this.#limits.maxBytes) return void this.destroy(ERRORS.sourceTooLarge(this.#limits.maxBytes));
    if (this.push(chunk)) this.#awaitBytes();
    else this.#hop.response.pause();
  }

  #end(): void {
    clearTimeout(this.#silence);
    if (!this.destroyed) this.push(null);
  }

  /** The connection closed before the answer was complete (Node's "aborted"). */
  #cutShort(): void {
    const { announced } = this.#limits;
    // Bytes that came but were not read yet count as received.
    const received = this.#received + this.#hop.response.readableLength;
    this.destroy(
      announced !== null
        ? ERRORS.lengthMismatch(announced, received)
        : ERRORS.sourceUnreachable('url', 'the server closed the connection before the file was complete'),
    );
  }

  /** A request error once the answer is complete is the parser refusing bytes past its end. */
  #failed(error: NodeJS.ErrnoException): void {
    if (this.destroyed) return;
    const { announced } = this.#limits;
    if (!this.#hop.response.complete) this.destroy(connectionFailure(error, 'This URL'));
    else if (announced !== null) this.destroy(ERRORS.lengthMismatch(announced, 'more'));
    else this.destroy(ERRORS.sourceUnreachable('url', 'the server sent bytes past the end of its answer'));
  }
}
