/**
 * clamd's wire format, as clamd(8) documents it: commands prefixed `z` and ended by a NUL byte (the
 * reply ends with one too), and INSTREAM's body as chunks, each a 4-byte big-endian length then its
 * bytes, ended by a chunk of length 0.
 */

export const INSTREAM_COMMAND = Buffer.from('zINSTREAM\0');
export const PING_COMMAND = Buffer.from('zPING\0');
export const RELOAD_COMMAND = Buffer.from('zRELOAD\0');
/** The zero-length chunk that ends a stream: clamd scans what it got and answers. */
export const END_OF_STREAM = Buffer.alloc(4);

/** A chunk's length prefix. */
export function chunkHeader(length: number): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(length);
  return header;
}

/** What clamd answered to INSTREAM, before the client's own size bound is applied. */
export type InstreamReply = { kind: 'clean' } | { kind: 'found'; signature: string } | { kind: 'size_limit' } | { kind: 'error'; text: string };

/**
 * Reads one reply: `stream: OK`, `stream: <Name> FOUND`, `INSTREAM size limit exceeded. ERROR`
 * (clamd's StreamMaxLength, which the client's own bound should keep it from reaching), or any
 * other text ending `ERROR`, which is a failure of clamd, never a verdict.
 */
export function parseInstreamReply(raw: string): InstreamReply {
  const text = raw.replace(/\0+$/, '').trim();
  if (text === 'stream: OK') return { kind: 'clean' };
  const found = /^stream: (.+) FOUND$/.exec(text);
  if (found) return { kind: 'found', signature: found[1]! };
  if (/^INSTREAM size limit exceeded\.? ERROR$/.test(text)) return { kind: 'size_limit' };
  return { kind: 'error', text };
}
