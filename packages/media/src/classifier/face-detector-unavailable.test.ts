import { describe, expect, it, vi } from 'vitest';
import { ClassifierUnavailableError } from './classifier-errors.js';
import { detectFaces, loadFaceDetector } from './face-detector.js';

/** A runtime that will not start the first time (a damaged wasm backend), and starts the second. */
const starts = vi.hoisted(() => ({ count: 0 }));
vi.mock('./tf-runtime.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('./tf-runtime.js')>();
  return {
    ...real,
    loadTfRuntime: () => {
      starts.count += 1;
      if (starts.count === 1) return Promise.reject(new Error('the wasm backend of TensorFlow.js did not start'));
      return real.loadTfRuntime();
    },
  };
});

describe('a face detector that cannot load', () => {
  it('throws ClassifierUnavailableError naming the detector, then loads on the next try', async () => {
    const pixels = { data: Buffer.alloc(64 * 48 * 3, 128), width: 64, height: 48 };
    const error = await detectFaces(pixels).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClassifierUnavailableError);
    expect(error).toMatchObject({
      message: 'The face detector could not be loaded.',
      cause: expect.objectContaining({ message: expect.stringMatching(/did not start/) }),
    });
    // The failure is not cached: the next image's search loads the model.
    await expect(loadFaceDetector()).resolves.toBeDefined();
    expect(await detectFaces(pixels)).toEqual([]);
    expect(starts.count).toBe(2);
  });
});
