import type { DarkroomError } from '@darkroom/core/errors';
import { describe, expect, it } from 'vitest';
import { checkPrivateToken, privateMaxAge } from './private-token.js';

const NOW = 1_800_000_000;
const SIG = 'abcdefghijklmnopqrstuv';
const codeOf = (exp: string, sig = SIG) => {
  try {
    checkPrivateToken(exp, sig, NOW);
    return 'ok';
  } catch (error) {
    return (error as DarkroomError).code;
  }
};

describe('checkPrivateToken', () => {
  it('takes an exp ahead within seven days and five minutes', () => {
    expect(codeOf(String(NOW + 1))).toBe('ok');
    expect(codeOf(String(NOW + 604_800 + 300))).toBe('ok');
    expect(checkPrivateToken(String(NOW + 60), SIG, NOW)).toEqual({ exp: NOW + 60, signature: SIG });
  });

  it('says expired for an exp now or past, forbidden for one too far ahead', () => {
    expect(codeOf(String(NOW))).toBe('expired');
    expect(codeOf(String(NOW - 1))).toBe('expired');
    expect(codeOf('1')).toBe('expired');
    expect(codeOf(String(NOW + 604_800 + 301))).toBe('forbidden');
  });

  it('refuses an exp with a sign, a leading zero, a fraction, 30 digits or letters', () => {
    for (const exp of [`+${NOW + 60}`, `-${NOW}`, `0${NOW + 60}`, `${NOW + 60}.0`, `${NOW + 60}.5`, '9'.repeat(30), '1e10', '0', '', ' 1']) {
      expect(codeOf(exp), exp).toBe('forbidden');
    }
  });

  it('refuses a signature truncated, padded or outside base64url', () => {
    for (const sig of [SIG.slice(0, 21), `${SIG}=`, `${SIG}A`, `${SIG.slice(0, 21)}+`, `${SIG.slice(0, 21)}/`, '']) {
      expect(codeOf(String(NOW + 60), sig), sig).toBe('forbidden');
    }
  });
});

describe('privateMaxAge', () => {
  it('is the token life left, at most the configured maximum', () => {
    expect(privateMaxAge({ exp: NOW + 600, signature: SIG }, NOW, 86_400)).toBe(600);
    expect(privateMaxAge({ exp: NOW + 600_000, signature: SIG }, NOW, 86_400)).toBe(86_400);
  });

  it('never reaches past exp, a fraction of a second into the clock included', () => {
    // Kept from NOW + 0.7 for N seconds: fresh until NOW + 0.7 + N, which must not pass exp.
    expect(privateMaxAge({ exp: NOW + 600, signature: SIG }, NOW + 0.7, 86_400)).toBe(599);
    expect(privateMaxAge({ exp: NOW + 1, signature: SIG }, NOW + 0.5, 86_400)).toBe(0);
    expect(privateMaxAge({ exp: NOW + 1, signature: SIG }, NOW, 86_400)).toBe(1);
  });
});
