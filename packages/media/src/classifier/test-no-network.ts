import { afterAll, beforeAll } from 'vitest';

/**
 * For a test file's models: every fetch from beforeAll to afterAll fails and is listed, so a model
 * or backend that reached for the network shows in the list (it must stay empty).
 */
export function forbidFetch(): string[] {
  const realFetch = globalThis.fetch;
  const fetched: string[] = [];
  beforeAll(() => {
    globalThis.fetch = (input) => {
      fetched.push(String(input));
      throw new Error('no network in this test');
    };
  });
  afterAll(() => {
    globalThis.fetch = realFetch;
  });
  return fetched;
}
