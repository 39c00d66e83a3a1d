import { DEFAULT_PRIVATE_URL_TTL_SECONDS, PRIVATE_EXPIRY_STEP_SECONDS } from '@darkroom/core/private-links';
import { signPrivateLink } from '@darkroom/core/delivery';
import { describe, expect, it } from 'vitest';
import { privateUrl, type PrivateUrlOptions } from './private-url.js';

const KEY = 'dsk_Jq4n8VxT2mR7cY1pL9eW3sK6hB0aD5fG8uZ2oN4iQ7t';
const ASSET_ID = '0193a1f2-7c4e-7b3a-9d2e-5f6a7b8c9d0e';
const MASTER = 'stream-074fe725f10c/master.m3u8';
/** 2026-01-01T00:00:00Z, a multiple of the expiry step. */
const NEW_YEAR = 1_767_225_600;
const at = (unixSeconds: number) => new Date(unixSeconds * 1000);
const options = (extra: Partial<PrivateUrlOptions> = {}): PrivateUrlOptions => ({ key: KEY, assetId: ASSET_ID, rest: MASTER, ...extra });

describe('privateUrl', () => {
  it("signs as core's reference does, under the base URL or as a path alone", async () => {
    const now = at(NEW_YEAR - 3600);
    const expected = `/p/${NEW_YEAR}/${signPrivateLink(KEY, NEW_YEAR, ASSET_ID)}/${ASSET_ID}/${MASTER}`;
    expect(await privateUrl(options({ expiresIn: 3600, now }))).toBe(expected);
    expect(await privateUrl(options({ expiresIn: 3600, now, baseUrl: 'https://img.example.com/' }))).toBe(`https://img.example.com${expected}`);
  });

  it('gives the same URL for every call in the same five minutes, at least expiresIn ahead', async () => {
    const first = await privateUrl(options({ now: at(NEW_YEAR - DEFAULT_PRIVATE_URL_TTL_SECONDS - PRIVATE_EXPIRY_STEP_SECONDS + 1) }));
    const last = await privateUrl(options({ now: at(NEW_YEAR - DEFAULT_PRIVATE_URL_TTL_SECONDS) }));
    expect(first).toBe(last);
    expect(first).toContain(`/p/${NEW_YEAR}/`);
    const next = await privateUrl(options({ now: at(NEW_YEAR - DEFAULT_PRIVATE_URL_TTL_SECONDS + 1) }));
    expect(next).toContain(`/p/${NEW_YEAR + PRIVATE_EXPIRY_STEP_SECONDS}/`);
  });

  it('counts from the clock by default', async () => {
    const exp = Number((await privateUrl(options({ expiresIn: 60 }))).split('/')[2]);
    const now = Date.now() / 1000;
    expect(exp % PRIVATE_EXPIRY_STEP_SECONDS).toBe(0);
    expect(exp).toBeGreaterThanOrEqual(Math.floor(now) + 60);
    expect(exp).toBeLessThanOrEqual(now + 60 + PRIVATE_EXPIRY_STEP_SECONDS);
  });

  it('takes an image on request and a variant under the asset', async () => {
    const now = at(NEW_YEAR - 600);
    for (const rest of ['img/2/w_1200,h_630,c_cover,f_jpeg', 'img/2/w_700/3VNugp1HNpXAko3J9bdbgD', 'r1/e0ea2c2af5c3.webp']) {
      expect(await privateUrl(options({ rest, now, expiresIn: 600 }))).toMatch(new RegExp(`^/p/${NEW_YEAR}/[\\w-]{22}/${ASSET_ID}/${rest}$`));
    }
  });

  it.each([59, 604_801, 90.5, Number.NaN])('refuses expiresIn %s', async (expiresIn) => {
    await expect(privateUrl(options({ expiresIn }))).rejects.toThrow(
      expect.objectContaining({
        code: 'invalid_input',
        message: expect.stringMatching(/expiresIn must be a whole number of seconds from 60 to 604800/),
      }),
    );
  });

  it.each(['', '/r1/e0ea2c2af5c3.webp', 'r1/../other/x.webp', '..', 'r1\\x.webp'])('refuses rest %j', async (rest) => {
    await expect(privateUrl(options({ rest }))).rejects.toThrow(
      expect.objectContaining({ code: 'invalid_input', message: expect.stringMatching(/^rest /) }),
    );
  });

  it.each(['ast_1', `${ASSET_ID}/x`, ASSET_ID.toUpperCase(), ''])('refuses assetId %j', async (assetId) => {
    await expect(privateUrl(options({ assetId }))).rejects.toThrow(
      expect.objectContaining({ code: 'invalid_input', message: expect.stringMatching(/^assetId /) }),
    );
  });

  it('refuses no key and an invalid date', async () => {
    await expect(privateUrl(options({ key: '' }))).rejects.toThrow(/key must be/);
    await expect(privateUrl(options({ now: new Date(Number.NaN) }))).rejects.toThrow(/now must be a valid Date/);
  });
});
