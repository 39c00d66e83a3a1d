import { describe, expect, it } from 'vitest';
import { chunkHeader, parseInstreamReply } from './clamd-protocol.js';

describe("clamd's INSTREAM replies", () => {
  it('reads a clean stream, a match with its signature, and the stream limit', () => {
    expect(parseInstreamReply('stream: OK\0')).toEqual({ kind: 'clean' });
    expect(parseInstreamReply('stream: Darkroom.Test.EICAR.UNOFFICIAL FOUND')).toEqual({
      kind: 'found',
      signature: 'Darkroom.Test.EICAR.UNOFFICIAL',
    });
    expect(parseInstreamReply('stream: YARA.Rule With Spaces.UNOFFICIAL FOUND\0')).toEqual({
      kind: 'found',
      signature: 'YARA.Rule With Spaces.UNOFFICIAL',
    });
    expect(parseInstreamReply('INSTREAM size limit exceeded. ERROR\0')).toEqual({ kind: 'size_limit' });
  });

  it('takes any other answer for a failure of clamd, never a verdict', () => {
    expect(parseInstreamReply("stream: Can't allocate memory ERROR\0")).toEqual({ kind: 'error', text: "stream: Can't allocate memory ERROR" });
    expect(parseInstreamReply('UNKNOWN COMMAND\0').kind).toBe('error');
    expect(parseInstreamReply('').kind).toBe('error');
  });

  it("frames a chunk's length as four big-endian bytes", () => {
    expect([...chunkHeader(0x01020304)]).toEqual([1, 2, 3, 4]);
    expect([...chunkHeader(5)]).toEqual([0, 0, 0, 5]);
  });
});
