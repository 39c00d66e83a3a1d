import { describe, expect, it } from 'vitest';
import { BadMediaError, ERROR_DETAIL_MAX, errorDetail } from './errors.js';

describe('errorDetail', () => {
  it('keeps names, messages, details and every cause', () => {
    const cause = Object.assign(new Error('relation "variants" violates check'), { name: 'PostgresError' });
    const error = new Error('Failed query: insert into "variants" … params: a,b', { cause });
    expect(errorDetail(error)).toBe(
      'Error: Failed query: insert into "variants" … params: a,b | caused by PostgresError: relation "variants" violates check',
    );
    const bad = new BadMediaError('corrupt_image', 'The image is damaged.', { cause: 'VipsJpeg: premature end of JPEG image' });
    expect(errorDetail(bad)).toBe('BadMediaError: The image is damaged. {"cause":"VipsJpeg: premature end of JPEG image"}');
  });

  it('describes what is not an Error, stops on a cycle and stays bounded', () => {
    expect(errorDetail('plain text')).toBe('plain text');
    expect(errorDetail({ code: 'X' })).toBe('{"code":"X"}');
    const loop = new Error('a');
    (loop as { cause?: unknown }).cause = loop;
    expect(errorDetail(loop)).toBe('Error: a');
    const long = errorDetail(new Error('x'.repeat(10_000)));
    expect(long).toHaveLength(ERROR_DETAIL_MAX);
    expect(long.endsWith('…')).toBe(true);
  });
});
