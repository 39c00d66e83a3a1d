import { describe, expect, it } from 'vitest';
import { assertWavHeaderFits, wavDataChunk } from './wav-header.js';

/** A WAV's header: RIFF, `fmt ` (16 bytes), optionally a LIST chunk, then `data` claiming `dataSize`. */
function wavHead(dataSize: number, list = 0): Buffer {
  const chunk = (id: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.write(id, 0, 'latin1');
    head.writeUInt32LE(body.length, 4);
    return Buffer.concat([head, body, Buffer.alloc(body.length % 2)]);
  };
  const fmt = chunk('fmt ', Buffer.alloc(16));
  const extra = list ? chunk('LIST', Buffer.alloc(list)) : Buffer.alloc(0);
  const data = Buffer.alloc(8);
  data.write('data', 0, 'latin1');
  data.writeUInt32LE(dataSize, 4);
  const riff = Buffer.from('RIFF\0\0\0\0WAVE', 'latin1');
  return Buffer.concat([riff, fmt, extra, data]);
}

describe('WAV header', () => {
  it('finds the data chunk after any others, odd sizes padded', () => {
    expect(wavDataChunk(wavHead(1000))).toEqual({ offset: 44, size: 1000 });
    expect(wavDataChunk(wavHead(1000, 25))).toEqual({ offset: 44 + 8 + 26, size: 1000 });
    expect(wavDataChunk(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBeNull();
    expect(wavDataChunk(wavHead(1000).subarray(0, 40))).toBeNull();
  });

  it('refuses a data chunk claiming more than the file holds as corrupt_audio', () => {
    expect(() => assertWavHeaderFits(wavHead(0xfffffff0), 264_644)).toThrow(expect.objectContaining({ code: 'corrupt_audio' }));
    expect(() => assertWavHeaderFits(wavHead(1001), 44 + 1000)).toThrow(expect.objectContaining({ code: 'corrupt_audio' }));
  });

  it("takes one that fits, and the sizes streaming writers leave when they can't seek back", () => {
    for (const [claimed, size] of [
      [1000, 1044],
      [1000, 5000],
      [0, 5000],
      [0xffffffff, 5000],
    ]) {
      expect(() => assertWavHeaderFits(wavHead(claimed!), size!), `${claimed}`).not.toThrow();
    }
    expect(() => assertWavHeaderFits(Buffer.from('fLaC'), 4)).not.toThrow();
  });
});
