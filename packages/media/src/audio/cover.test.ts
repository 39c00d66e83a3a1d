import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { processImageFile } from '../process-image.js';
import { outputDir } from '../video/test-clips.js';
import { extractCoverArt } from './cover.js';
import { coverArtPixels } from './cover-pixels.js';
import { audioFile, type AudioName } from './test-audio.js';

async function cover(name: AudioName): Promise<string | null> {
  return extractCoverArt(await audioFile(name), { outputPath: join(await outputDir(), 'cover') });
}

describe('extractCoverArt', () => {
  it.each([
    ['cover.mp3', 'jpeg', 64, 64], // ID3 APIC
    ['cover.m4a', 'png', 48, 32], // MP4 covr
    ['cover.flac', 'png', 32, 32], // FLAC PICTURE
  ] as const)('copies the picture of %s out as stored', async (name, format, width, height) => {
    const path = await cover(name);
    expect(path).not.toBeNull();
    expect(await sharp(path!).metadata()).toMatchObject({ format, width, height });
  });

  it('is null without a picture', async () => {
    expect(await cover('quiet.mp3')).toBeNull();
    expect(await cover('silence.flac')).toBeNull();
  });

  it('leaves a decompression bomb to the image limits, which refuse it before decoding', async () => {
    const path = await cover('cover-bomb.mp3');
    expect(path).not.toBeNull();
    const preset = { name: 'p', variants: [{ name: 'small', fit: 'inside' as const, width: 64, height: 64, format: 'webp' as const, quality: 80 }] };
    await expect(processImageFile(path!, preset, { maxInputPixels: 100_000_000 })).rejects.toMatchObject({ code: 'too_many_pixels' });
  });
});

describe('coverArtPixels', () => {
  it('decodes the picture as displayed, small, and leaves nothing behind', async () => {
    const tempDir = await outputDir();
    const pixels = await coverArtPixels(await audioFile('cover.m4a'), { maxInputPixels: 100_000_000, longSide: 24, tempDir });
    expect(pixels && [pixels.width, pixels.height, pixels.channels, pixels.data.length]).toEqual([24, 16, 3, 24 * 16 * 3]);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('is null without a picture', async () => {
    expect(await coverArtPixels(await audioFile('quiet.mp3'), { maxInputPixels: 100_000_000, longSide: 64 })).toBeNull();
  });

  it('refuses a decompression bomb before decoding it', async () => {
    const outcome = coverArtPixels(await audioFile('cover-bomb.mp3'), { maxInputPixels: 100_000_000, longSide: 64 });
    await expect(outcome).rejects.toMatchObject({ code: 'too_many_pixels' });
  });
});
