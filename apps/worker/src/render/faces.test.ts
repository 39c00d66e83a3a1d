import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Asset } from '@darkroom/db/schema';
import { describe, expect, it, vi } from 'vitest';
import type { RenderContext } from './context.js';
import { searchFaces } from './faces.js';

const CMYK_PHOTO = fileURLToPath(new URL('../../../../fixtures/images/Channel_digital_image_CMYK_color.jpg', import.meta.url));

/** What searchFaces reads of a render: the setting, the limits, the log, and the asset's faces. */
function contextOf(faceDetection: { minConfidence: number } | null, faces: Asset['faces'] = null) {
  const warn = vi.fn();
  const config = { faceDetection, maxInputPixels: 100_000_000, jobTimeoutMs: 30_000 };
  const ctx = { deps: { config, log: { warn } }, asset: { id: 'asset-1', faces } } as unknown as RenderContext;
  const released = vi.fn();
  const admit = vi.fn(async () => released);
  return { ctx, warn, admit, released };
}

describe('searchFaces', () => {
  it('searches the image in one render slot, and frees it', async () => {
    const { ctx, admit, released } = contextOf({ minConfidence: 0.4 });
    const faces = await searchFaces(ctx, CMYK_PHOTO, admit);
    expect(faces).toHaveLength(1);
    expect(admit).toHaveBeenCalledTimes(1);
    expect(released).toHaveBeenCalledTimes(1);
  });

  it('keeps only faces at FACE_DETECTION’s confidence', async () => {
    // The child's face scores 0.56: a deployment asking 0.6 keeps none.
    const { ctx, admit } = contextOf({ minConfidence: 0.6 });
    expect(await searchFaces(ctx, CMYK_PHOTO, admit)).toEqual([]);
  });

  it('searches nothing where FACE_DETECTION is off, or where faces are known (a retry, a hand-marked set)', async () => {
    const off = contextOf(null);
    expect(await searchFaces(off.ctx, CMYK_PHOTO, off.admit)).toBeUndefined();
    const known = contextOf({ minConfidence: 0.4 }, []);
    expect(await searchFaces(known.ctx, CMYK_PHOTO, known.admit)).toBeUndefined();
    expect(off.admit).not.toHaveBeenCalled();
    expect(known.admit).not.toHaveBeenCalled();
  });

  it('loses no upload to a failed search: it logs, leaves faces unset and frees the slot', async () => {
    const { ctx, warn, admit, released } = contextOf({ minConfidence: 0.4 });
    const path = join(tmpdir(), `faces-not-an-image-${process.pid}.jpg`);
    await writeFile(path, 'not an image');
    expect(await searchFaces(ctx, path, admit)).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ assetId: 'asset-1' }), expect.stringMatching(/faces not searched/));
    expect(released).toHaveBeenCalledTimes(1);
  });
});
