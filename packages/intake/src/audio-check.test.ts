import { DarkroomError } from '@darkroom/core/errors';
import { createRenderGate } from '@darkroom/media';
import { describe, expect, it } from 'vitest';
import type { IntakeDeps } from './deps.js';
import { checkAudio } from './audio-check.js';

const log = { info: () => {} };

function depsWith(gate: IntakeDeps['audioProbes']): IntakeDeps {
  const storage = { presignGet: async () => ({ url: 'http://127.0.0.1:9/never', headers: {}, expiresAt: new Date() }) };
  const config = { uploads: { audioMaxDurationSeconds: 60 } };
  return { audioProbes: gate, storage, config } as unknown as IntakeDeps;
}

describe('checkAudio', () => {
  it("answers 503 service_unavailable, not a probe, when every one of the process's audio checks is busy and its line is full", async () => {
    const gate = createRenderGate({ maxPixels: 1, slots: 1, maxWaiting: 0 });
    const held = gate.tryAcquire(0);
    expect(held).not.toBeNull();
    const refusal = await checkAudio(depsWith(gate), log, { bucket: 'b', key: 'k' }, { size: 10, bytes: new Uint8Array(10) }).catch((e) => e);
    expect(refusal).toBeInstanceOf(DarkroomError);
    expect((refusal as DarkroomError).code).toBe('service_unavailable');
    expect((refusal as DarkroomError).message).toMatch(/call complete again/);
    held!();
  });
});
