import { z } from 'zod';

/** Words that mark a value someone copied from an example instead of generating. */
const PLACEHOLDERS = ['change-me', 'changeme', 'change_me', 'placeholder', 'your-', 'example', 'replace-me', 'minioadmin', 'password'];

/** Why a secret is unfit to guard anything, or null when it is fine. */
export function secretProblem(value: string, minLength: number): string | null {
  if (value.length < minLength) return `must be at least ${minLength} characters`;
  const lower = value.toLowerCase();
  const word = PLACEHOLDERS.find((p) => lower.includes(p));
  if (word) return `looks like a placeholder ("${word}"); generate one, e.g. \`openssl rand -hex 32\``;
  if (new Set(value).size < 6) return 'has too few distinct characters to be random';
  return null;
}

/** A zod setting for a secret: required, long enough, and not a placeholder left from an example. */
export function secretSetting(name: string, minLength: number) {
  return z.string({ error: `${name} is required` }).superRefine((value, ctx) => {
    const problem = secretProblem(value, minLength);
    if (problem) ctx.addIssue({ code: 'custom', message: `${name} ${problem}` });
  });
}
