/** One Server-Sent Events message. */
export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

/**
 * Parses a text/event-stream body (the WHATWG rules: `field: value` lines, a blank line ends a
 * message, `:` lines are comments such as heartbeats, CRLF, LF or CR line ends). Read through fetch
 * because an EventSource cannot send an Authorization header.
 */
export async function* parseEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  // Cast: TypeScript's DOM and Node typings disagree on TextDecoderStream's writable side.
  const reader = body.pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>).getReader();
  let buffer = '';
  let message: { event?: string; data: string[]; id?: string } = { data: [] };
  // A CRLF split across two chunks: the CR ended the line, so the LF that follows is not another.
  let skipLf = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      const chunk: string = skipLf && value.startsWith('\n') ? value.slice(1) : value;
      skipLf = chunk.endsWith('\r');
      buffer += chunk;
      const lines = buffer.split(/\r\n|\r|\n/);
      // The last piece may be half a line: kept for the next chunk.
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '') {
          if (message.data.length > 0)
            yield { event: message.event ?? 'message', data: message.data.join('\n'), ...(message.id !== undefined ? { id: message.id } : {}) };
          message = { data: [] };
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const raw = colon === -1 ? '' : line.slice(colon + 1);
        const text = raw.startsWith(' ') ? raw.slice(1) : raw;
        if (field === 'data') message.data.push(text);
        else if (field === 'event') message.event = text;
        else if (field === 'id') message.id = text;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
