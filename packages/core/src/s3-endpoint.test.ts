import { describe, expect, it } from 'vitest';
import { regionFromEndpoint } from './s3-endpoint.js';

describe('regionFromEndpoint', () => {
  it.each([
    ['https://s3.us-west-004.backblazeb2.com', 'us-west-004'],
    ['https://s3.eu-central-003.backblazeb2.com/', 'eu-central-003'],
    ['https://s3.eu-west-1.amazonaws.com', 'eu-west-1'],
    ['http://127.0.0.1:7480', undefined],
    ['not a url', undefined],
  ])('%s → %s', (endpoint, region) => {
    expect(regionFromEndpoint(endpoint)).toBe(region);
  });
});
