import { describe, expect, it } from 'vitest';
import { parseEventStream } from './sse.js';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(chunks: string[]) {
  const messages = [];
  for await (const message of parseEventStream(streamOf(chunks))) messages.push(message);
  return messages;
}

describe('parseEventStream', () => {
  it('reads events, ids and data, skipping heartbeats', async () => {
    const messages = await collect(['event: asset.snapshot\ndata: {"id":"a"}\n\n: heartbeat\n\n', 'id: 01\nevent: asset.ready\ndata: {"x":1}\n\n']);
    expect(messages).toEqual([
      { event: 'asset.snapshot', data: '{"id":"a"}' },
      { event: 'asset.ready', data: '{"x":1}', id: '01' },
    ]);
  });

  it('joins lines split across chunks, CRLF split between two chunks included, and multi-line data', async () => {
    const messages = await collect(['event: a', 'sset.progress\r', '\ndata: line 1\r\ndata:line 2\r\n', '\r\n']);
    expect(messages).toEqual([{ event: 'asset.progress', data: 'line 1\nline 2' }]);
  });

  it('drops a message the stream cut off before its blank line', async () => {
    expect(await collect(['data: {"whole":true}\n\n', 'data: {"half"'])).toEqual([{ event: 'message', data: '{"whole":true}' }]);
  });
});
