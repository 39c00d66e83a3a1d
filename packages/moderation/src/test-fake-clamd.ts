import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A stand-in for clamd in unit tests: it reads INSTREAM's framing as clamd does and answers as
 * `answer` says, so the client's framing, verdicts and failures can be tried without a real clamd
 * (test/moderation/ tries the real one).
 */
export type FakeAnswer =
  | { kind: 'reply'; text: string }
  /** `FOUND` when the stream holds `needle`, else `OK`. */
  | { kind: 'match'; needle: string; signature: string }
  /** Never answers. */
  | { kind: 'silent' }
  /** Closes the connection once the stream ends. */
  | { kind: 'close' };

export interface FakeStream {
  chunkLengths: number[];
  chunks: Buffer[];
  ended: boolean;
  /** The stream's bytes, its chunks joined. */
  readonly bytes: Buffer;
}

export interface FakeClamd {
  port: number;
  /** What each INSTREAM connection sent, its chunks' lengths and their bytes. */
  streams: FakeStream[];
  /** Stops reading every connection, present and to come (a clamd that falls behind), until `resume`. */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startFakeClamd(answer: FakeAnswer): Promise<FakeClamd> {
  const streams: FakeClamd['streams'] = [];
  const sockets = new Set<Socket>();
  let paused = false;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    if (paused) socket.pause();
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer: Buffer = Buffer.alloc(0);
    let stream: FakeStream | null = null;
    const framing = { remaining: 0 };
    socket.on('data', (data: Buffer) => {
      buffer = Buffer.concat([buffer, data]);
      if (!stream) {
        const nul = buffer.indexOf(0);
        if (nul < 0) return;
        const command = buffer.subarray(0, nul).toString();
        buffer = buffer.subarray(nul + 1);
        if (command === 'zPING') return void socket.end('PONG\0');
        stream = {
          chunkLengths: [],
          chunks: [],
          ended: false,
          get bytes() {
            return Buffer.concat(this.chunks);
          },
        };
        streams.push(stream);
      }
      buffer = readChunks(stream, framing, buffer);
      if (stream.ended) answerStream(socket, stream, answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    streams,
    pause() {
      paused = true;
      for (const socket of sockets) socket.pause();
    },
    resume() {
      paused = false;
      for (const socket of sockets) socket.resume();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Reads as much of the framing as `buffer` holds, a chunk's bytes as they come (no copy of a whole
 * chunk per packet); returns what is left unread.
 */
function readChunks(stream: FakeStream, framing: { remaining: number }, buffer: Buffer): Buffer {
  let rest = buffer;
  while (!stream.ended && rest.length > 0) {
    if (framing.remaining > 0) {
      const part = rest.subarray(0, framing.remaining);
      stream.chunks.push(part);
      framing.remaining -= part.length;
      rest = rest.subarray(part.length);
      continue;
    }
    if (rest.length < 4) break;
    const length = rest.readUInt32BE(0);
    rest = rest.subarray(4);
    if (length === 0) stream.ended = true;
    else stream.chunkLengths.push(length);
    framing.remaining = length;
  }
  return rest;
}

function answerStream(socket: Socket, stream: FakeStream, answer: FakeAnswer): void {
  if (answer.kind === 'silent') return;
  if (answer.kind === 'close') return void socket.destroy();
  if (answer.kind === 'reply') return void socket.end(`${answer.text}\0`);
  const found = stream.bytes.includes(answer.needle);
  socket.end(found ? `stream: ${answer.signature} FOUND\0` : 'stream: OK\0');
}
