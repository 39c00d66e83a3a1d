import { EventSourceParserStream } from 'eventsource-parser/stream';

/** One Server-Sent Events message. */
export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

/**
 * Parses a text/event-stream body with eventsource-parser (the WHATWG rules: comments such as
 * heartbeats skipped, CRLF, LF or CR line ends, a message cut off before its blank line dropped).
 * Read through fetch because an EventSource cannot send an Authorization header.
 */
export async function* parseEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const reader = body
    // Cast: TypeScript's DOM and Node typings disagree on TextDecoderStream's writable side.
    .pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>)
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield { event: value.event ?? 'message', data: value.data, ...(value.id !== undefined ? { id: value.id } : {}) };
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
