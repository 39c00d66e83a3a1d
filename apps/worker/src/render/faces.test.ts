import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Asset } from '@darkroom/db/schema';
import { FACE_INPUT_LONG_SIDE, probeImage } from '@darkroom/media';
import { describe, expect, it, vi } from 'vitest';
import { FACE_PHOTOS_DIR } from '../../../../test/support/face-photos.js';
import type { RenderContext } from './context.js';
import { searchFaces } from './faces.js';

/** A labelled photo with one face (fixtures/images/photos). */
const PORTRAIT_PHOTO = join(FACE_PHOTOS_DIR, 'portrait-baby.jpg');

/** What searchFaces reads of a render: the setting, the limits, the log, and the asset's faces. */
function contextOf(faceDetection: { minConfidence: number } | null, faces: Asset['faces'] = null) {
  const warn = vi.fn();
  const config = { faceDetection, maxInputPixels: 100_000_000, jobTimeoutMs: 30_000 };
  const ctx = { deps: { config, log: { warn } }, asset: { id: 'asset-1', faces } } as unknown as RenderContext;
  const released = vi.fn();
  const admit = vi.fn(async (_pixels: number) => released);
  return { ctx, warn, admit, released };
}

describe('searchFaces', () => {
  it("decodes the file through the render gate with the file's own pixels, then searches in one render slot, and frees both", async () => {
    const { ctx, admit, released } = contextOf({ minConfidence: 0.4 });
    const faces = await searchFaces(ctx, PORTRAIT_PHOTO, admit);
    expect(faces).toHaveLength(1);
    const { width, height } = await probeImage(PORTRAIT_PHOTO, { maxInputPixels: 100_000_000 });
    expect(admit.mock.calls).toEqual([[width * height], [FACE_INPUT_LONG_SIDE * FACE_INPUT_LONG_SIDE]]);
    expect(released).toHaveBeenCalledTimes(2);
  });

  it('searches the input the render made when it has one, not the file', async () => {
    const { ctx, admit, released } = contextOf({ minConfidence: 0.4 });
    // A grey input of the render's (RGB, 640 px long): the file's face is not in it.
    const input = { data: Buffer.alloc(640 * 480 * 3, 128), width: 640, height: 480 };
    expect(await searchFaces(ctx, PORTRAIT_PHOTO, admit, input)).toEqual([]);
    expect(admit.mock.calls).toEqual([[FACE_INPUT_LONG_SIDE * FACE_INPUT_LONG_SIDE]]);
    expect(released).toHaveBeenCalledTimes(1);
  });

  it('keeps only faces at FACE_DETECTION’s confidence', async () => {
    const found = contextOf({ minConfidence: 0.4 });
    const [face] = (await searchFaces(found.ctx, PORTRAIT_PHOTO, found.admit))!;
    // A deployment asking more than the face scored keeps none.
    const { ctx, admit } = contextOf({ minConfidence: face!.score + 0.001 });
    expect(await searchFaces(ctx, PORTRAIT_PHOTO, admit)).toEqual([]);
  });

  it('searches nothing where FACE_DETECTION is off, or where faces are known (a retry, a hand-marked set)', async () => {
    const off = contextOf(null);
    expect(await searchFaces(off.ctx, PORTRAIT_PHOTO, off.admit)).toBeUndefined();
    const known = contextOf({ minConfidence: 0.4 }, []);
    expect(await searchFaces(known.ctx, PORTRAIT_PHOTO, known.admit)).toBeUndefined();
    expect(off.admit).not.toHaveBeenCalled();
    expect(known.admit).not.toHaveBeenCalled();
  });

  it('loses no upload to a failed search: it logs, leaves faces unset and frees what it held', async () => {
    const whole = await readFile(PORTRAIT_PHOTO);
    const files = { 'not-an-image': Buffer.from('not an image'), 'cut-in-half': whole.subarray(0, whole.length / 2) };
    for (const [name, bytes] of Object.entries(files)) {
      const { ctx, warn, admit, released } = contextOf({ minConfidence: 0.4 });
      const path = join(tmpdir(), `faces-${name}-${process.pid}.jpg`);
      await writeFile(path, bytes);
      expect(await searchFaces(ctx, path, admit), name).toBeUndefined();
      expect(warn).toHaveBeenCalledWith(expect.objectContaining({ assetId: 'asset-1' }), expect.stringMatching(/faces not searched/));
      expect(released, name).toHaveBeenCalledTimes(admit.mock.calls.length);
    }
  });
});
