import { connect, type Socket } from 'node:net';
import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { chunkHeader, END_OF_STREAM, INSTREAM_COMMAND, parseInstreamReply, PING_COMMAND, RELOAD_COMMAND } from './clamd-protocol.js';
import { scannerUnavailable, type ScannerFailure } from './errors.js';

/**
 * A clamd client that speaks INSTREAM itself (clamd(8)), so the worker can send clamd the bytes it
 * is downloading anyway, chunk by chunk, instead of writing a file clamd must be able to read.
 */

export interface ClamdScannerOptions {
  /** clamd's LocalSocket; taken before host and port when both are given. */
  socket?: string | undefined;
  host?: string | undefined;
  /** clamd's TCPSocket (3310 unless given). */
  port?: number | undefined;
  /** The whole scan, from `startScan` to clamd's verdict (the download it rides on included); each ping. */
  timeoutMs: number;
  /** Bytes sent to clamd at most: the rest is not scanned, and the verdict is `too_large` (or `infected`). */
  maxBytes: number;
}

export type ScanVerdict = { outcome: 'clean' } | { outcome: 'infected'; signature: string } | { outcome: 'too_large' };

export interface ScanSession {
  /** Takes every byte of the file in order; never errors, so a download piped through it is never failed by clamd. */
  sink: Writable;
  /** Settles once the sink has ended and clamd answered; rejects with a ScannerUnavailableError. */
  verdict: Promise<ScanVerdict>;
}

export interface ClamdScanner {
  /** Whether clamd answers PING within the timeout. */
  ping(): Promise<boolean>;
  scanStream(body: Readable): Promise<ScanVerdict>;
  startScan(): ScanSession;
  /** Has clamd reread its signature directory (after freshclam, or a test's own signatures). */
  reload(): Promise<void>;
}

const DEFAULT_PORT = 3310;

export function createClamdScanner(options: ClamdScannerOptions): ClamdScanner {
  if (!options.socket && !options.host) throw new Error('a clamd scanner needs a socket path or a host');
  if (!(options.maxBytes > 0) || !(options.timeoutMs > 0)) throw new Error('a clamd scanner needs a positive maxBytes and timeoutMs');
  const connectToClamd = (): Socket =>
    options.socket ? connect({ path: options.socket }) : connect({ host: options.host, port: options.port ?? DEFAULT_PORT });
  const startScan = () => new InstreamSession(connectToClamd(), options);
  return {
    ping: () =>
      sendCommand(connectToClamd(), PING_COMMAND, options.timeoutMs).then(
        (reply) => reply === 'PONG',
        () => false,
      ),
    startScan,
    async scanStream(body) {
      const session = startScan();
      await pipeline(body, session.sink);
      return session.verdict;
    },
    async reload() {
      const reply = await sendCommand(connectToClamd(), RELOAD_COMMAND, options.timeoutMs);
      if (reply !== 'RELOADING') throw scannerUnavailable('error_reply', new Error(`clamd answered RELOAD with ${reply}`));
    },
  };
}

/** One command and its NUL-ended reply, on a connection of its own. */
function sendCommand(socket: Socket, command: Buffer, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let reply = '';
    let connected = false;
    const settle = (error: ScannerFailure | null, cause?: unknown) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(scannerUnavailable(error, cause));
      else resolve(reply.slice(0, reply.indexOf('\0')));
    };
    const timer = setTimeout(() => settle('timeout'), timeoutMs);
    socket.once('connect', () => {
      connected = true;
    });
    socket.on('data', (data: Buffer) => {
      reply += data.toString('latin1');
      if (reply.includes('\0')) settle(null);
    });
    socket.on('error', (error) => settle(connected ? 'closed' : 'unreachable', error));
    socket.on('close', () => settle('closed'));
    socket.write(command);
  });
}

/**
 * One INSTREAM scan. Each chunk the sink takes is framed and written to clamd, and the sink's write
 * completes only once the socket takes more (backpressure); past `maxBytes` it sends the end of the
 * stream and takes the rest without sending it, so the verdict is never "clean" for a file clamd
 * saw only part of.
 */
class InstreamSession implements ScanSession {
  readonly sink: Writable;
  readonly verdict: Promise<ScanVerdict>;
  private resolveVerdict!: (verdict: ScanVerdict) => void;
  private rejectVerdict!: (error: Error) => void;
  private readonly timer: NodeJS.Timeout;
  private sentBytes = 0;
  private truncated = false;
  private streamEnded = false;
  private settled = false;
  private connected = false;
  private reply = '';
  private drainWaiters: (() => void)[] = [];

  constructor(
    private readonly socket: Socket,
    private readonly options: ClamdScannerOptions,
  ) {
    this.verdict = new Promise((resolve, reject) => {
      this.resolveVerdict = resolve;
      this.rejectVerdict = reject;
    });
    // The caller awaits the verdict after its download: a failure meanwhile is no unhandled rejection.
    this.verdict.catch(() => {});
    this.timer = setTimeout(() => this.fail('timeout'), options.timeoutMs);
    this.sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => this.send(chunk, done),
      final: (done) => {
        this.endStream();
        done();
      },
      destroy: (error, done) => {
        if (!this.streamEnded) this.fail('aborted', error ?? undefined);
        done(error);
      },
    });
    this.listen();
    socket.write(INSTREAM_COMMAND);
  }

  private listen(): void {
    this.socket.once('connect', () => {
      this.connected = true;
    });
    this.socket.on('data', (data: Buffer) => {
      this.reply += data.toString('latin1');
      if (this.reply.includes('\0')) this.settleFromReply(this.reply.slice(0, this.reply.indexOf('\0')));
    });
    this.socket.on('drain', () => this.releaseWriters());
    this.socket.on('error', (error) => this.fail(this.connected ? 'closed' : 'unreachable', error));
    this.socket.on('close', () => this.fail('closed'));
  }

  private send(chunk: Buffer, done: () => void): void {
    // After a verdict, or past the bound, the bytes go on to the caller's file only.
    if (this.settled || this.streamEnded) {
      done();
      return;
    }
    const room = this.options.maxBytes - this.sentBytes;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    let flushed = true;
    // Never a chunk of length 0: clamd would read it as the end of the stream.
    if (part.length > 0) {
      this.socket.write(chunkHeader(part.length));
      flushed = this.socket.write(part);
      this.sentBytes += part.length;
    }
    if (chunk.length > room) {
      this.truncated = true;
      this.endStream();
    }
    if (flushed) done();
    else this.drainWaiters.push(done);
  }

  private endStream(): void {
    if (this.streamEnded) return;
    this.streamEnded = true;
    if (!this.socket.destroyed) this.socket.write(END_OF_STREAM);
  }

  private settleFromReply(text: string): void {
    const reply = parseInstreamReply(text);
    if (reply.kind === 'error') {
      this.fail('error_reply', new Error(`clamd answered ${reply.text}`));
      return;
    }
    let verdict: ScanVerdict;
    if (reply.kind === 'found') verdict = { outcome: 'infected', signature: reply.signature };
    else if (reply.kind === 'size_limit' || this.truncated) verdict = { outcome: 'too_large' };
    else verdict = { outcome: 'clean' };
    this.settle();
    this.resolveVerdict(verdict);
  }

  private fail(failure: ScannerFailure, cause?: unknown): void {
    if (this.settled) return;
    this.settle();
    this.rejectVerdict(scannerUnavailable(failure, cause));
  }

  private settle(): void {
    this.settled = true;
    clearTimeout(this.timer);
    this.socket.destroy();
    this.releaseWriters();
  }

  private releaseWriters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const done of waiters) done();
  }
}
