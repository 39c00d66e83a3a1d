/**
 * A fetch that loses some answers: every `every`-th request `drops` selects is sent and answered,
 * then its answer is thrown away and the caller sees a lost connection. The server did the work and
 * the client tries again, as a phone on a bad network does: what a meter must count once.
 */
export function droppingFetch(every: number, drops: (method: string, url: string) => boolean): { fetch: typeof fetch; dropped(): number } {
  let selected = 0;
  let dropped = 0;
  const dropping = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const response = await globalThis.fetch(input, init);
    if (!drops(method, url) || ++selected % every !== 0) return response;
    await response.arrayBuffer();
    dropped++;
    throw new TypeError('fetch failed (its answer dropped by the test)');
  };
  return { fetch: dropping as typeof fetch, dropped: () => dropped };
}
