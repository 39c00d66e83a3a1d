import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectRenderGarbage, RENDER_GARBAGE_BYTES } from './garbage.js';

describe('collectRenderGarbage', () => {
  const scope = globalThis as { gc?: unknown };
  let saved: unknown;
  let calls: unknown[];
  beforeEach(() => {
    saved = scope.gc;
    calls = [];
    scope.gc = (options: unknown) => calls.push(options);
  });
  afterEach(() => {
    scope.gc = saved;
  });

  it('asks the exposed gc for a full collection once the memory outside the heap reaches its threshold', () => {
    collectRenderGarbage(() => RENDER_GARBAGE_BYTES);
    expect(calls).toEqual([{ type: 'major', execution: 'sync' }]);
  });

  it('leaves a full collection to a later render while few buffers are held', () => {
    collectRenderGarbage(() => RENDER_GARBAGE_BYTES - 1);
    expect(calls).toEqual([]);
    // The process's own figure by default: a test process holds far less than the threshold.
    collectRenderGarbage();
    expect(calls).toEqual([]);
  });
});
