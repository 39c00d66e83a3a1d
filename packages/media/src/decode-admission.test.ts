import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { classifierInputOfFile } from './classifier/classifier-input.js';
import { faceInputOfFile } from './classifier/face-input.js';
import { displayedPixels } from './displayed.js';
import { probeImage } from './probe.js';
import { fixture } from './test-fixtures.js';
import { fileClaiming } from './test-headers.js';
import type { DecodeAdmission, ImageInput } from './types.js';

/** An admission that records what it was asked, and whether each decode had been let in and given back. */
function recordingAdmission() {
  const asked: number[] = [];
  let held = 0;
  let released = 0;
  const admission: DecodeAdmission = {
    admit: async (pixels) => {
      asked.push(pixels);
      held += 1;
      return () => {
        released += 1;
      };
    },
  };
  return { admission, asked, state: () => ({ held, released }) };
}

const LIMIT = { maxInputPixels: 100_000_000 };

/** Every decode of a file outside the render: the moderation checks' picture, the classifier's and the face search's inputs. */
const DECODES: Record<string, (input: ImageInput, admission: DecodeAdmission) => Promise<unknown>> = {
  displayedPixels: (input, admission) => displayedPixels(input, { ...LIMIT, ...admission, longSide: 640 }),
  classifierInputOfFile: (input, admission) => classifierInputOfFile(input, { ...LIMIT, ...admission }),
  faceInputOfFile: (input, admission) => faceInputOfFile(input, { ...LIMIT, ...admission }),
};

describe("a decode outside the render waits for the render gate's admission, as a render's does", () => {
  for (const [name, decode] of Object.entries(DECODES)) {
    it(`${name}: asks with the header's pixels before decoding, and gives them back after`, async () => {
      const path = fixture('Landscape_1.jpg');
      const probe = await probeImage(path, LIMIT);
      const { admission, asked, state } = recordingAdmission();
      await decode(path, admission);
      expect(asked).toEqual([probe.width * probe.height]);
      expect(state()).toEqual({ held: 1, released: 1 });
    });

    it(`${name}: does not decode until admitted`, async () => {
      let letIn: (() => void) | undefined;
      const admitted = new Promise<void>((resolve) => {
        letIn = resolve;
      });
      let decoded = false;
      const decoding = decode(fixture('Landscape_1.jpg'), {
        admit: async () => {
          await admitted;
          return () => {};
        },
      }).then(() => {
        decoded = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(decoded).toBe(false);
      letIn?.();
      await decoding;
      expect(decoded).toBe(true);
    });

    it(`${name}: gives the admission back when the decode fails, and asks none for a file its header refuses`, async () => {
      const whole = await readFile(fixture('Landscape_1.jpg'));
      const cut = recordingAdmission();
      await expect(decode(whole.subarray(0, whole.length / 2), cut.admission)).rejects.toThrow();
      expect(cut.state()).toEqual({ held: 1, released: 1 });
      const bomb = recordingAdmission();
      await expect(decode(fileClaiming('png', 50_000, 50_000), bomb.admission)).rejects.toThrow();
      expect(bomb.asked).toEqual([]);
    });
  }
});
