import { describe, expect, it, vi } from 'vitest';
import { ClassifierUnavailableError } from './classifier-errors.js';
import { explicitScore, loadExplicitClassifier } from './explicit-classifier.js';

/** A model that will not load the first time (a missing or damaged package), and loads the second. */
const loads = vi.hoisted(() => ({ count: 0 }));
vi.mock('nsfwjs/core', async (importOriginal) => {
  const real = await importOriginal<typeof import('nsfwjs/core')>();
  return {
    ...real,
    load: (...args: Parameters<typeof real.load>) => {
      loads.count += 1;
      if (loads.count === 1) return Promise.reject(new Error('Could not load the model.'));
      return real.load(...args);
    },
  };
});

describe('a classifier that cannot load', () => {
  it('fails closed with ClassifierUnavailableError (scanner_unavailable), then loads on the next try', async () => {
    const pixels = { data: Buffer.alloc(32 * 32 * 3, 128), width: 32, height: 32 };
    const error = await explicitScore(pixels).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClassifierUnavailableError);
    expect(error).toMatchObject({ code: 'scanner_unavailable', cause: expect.objectContaining({ message: 'Could not load the model.' }) });
    // The failure is not cached: the job's retry loads the model.
    await expect(loadExplicitClassifier()).resolves.toBeDefined();
    expect((await explicitScore(pixels)).score).toBeGreaterThanOrEqual(0);
    expect(loads.count).toBe(2);
  });
});
