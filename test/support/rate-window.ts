/** Rate-limit windows are whole minutes on the wall clock, the same in every process. */
const WINDOW_MS = 60_000;

/**
 * Waits for the next window when less than `neededMs` is left of this one: a test that counts
 * requests against a limit sends them all inside one window, or the count starts again midway.
 */
export async function awayFromWindowEnd(neededMs = 8000): Promise<void> {
  const left = WINDOW_MS - (Date.now() % WINDOW_MS);
  if (left < neededMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
