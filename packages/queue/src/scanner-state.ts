import { Cluster } from 'ioredis';
import { z } from 'zod';
import type { RedisConnection } from './redis.js';

/**
 * Each worker's scanners as it last saw them, one key per worker (`{prefix}:scanner:{workerId}`)
 * living SCANNER_STATE_TTL_SECONDS: a worker writes it more often than that, so a key that is gone
 * is a worker that is gone, and says nothing. The API's `/readyz` and the admin console read them.
 */
export const SCANNER_STATE_TTL_SECONDS = 30;

export const SCANNER_HEALTHS = ['up', 'down', 'off'] as const;
export type ScannerHealth = (typeof SCANNER_HEALTHS)[number];

export const ScannerState = z.object({
  clamd: z.enum(SCANNER_HEALTHS),
  classifier: z.enum(SCANNER_HEALTHS),
  /** When the worker wrote it (ISO 8601). */
  at: z.string(),
});
export type ScannerState = z.infer<typeof ScannerState>;

const keyOf = (prefix: string, workerId: string) => `${prefix}:scanner:${workerId}`;

/** A worker's report of its scanners; call it at least every SCANNER_STATE_TTL_SECONDS / 2. */
export async function writeScannerState(
  redis: RedisConnection,
  params: { prefix: string; workerId: string; state: Omit<ScannerState, 'at'> },
): Promise<void> {
  const state: ScannerState = { ...params.state, at: new Date().toISOString() };
  await redis.set(keyOf(params.prefix, params.workerId), JSON.stringify(state), 'EX', SCANNER_STATE_TTL_SECONDS);
}

/** Every live worker's report, by worker id (reports that do not parse are left out). */
export async function readScannerStates(redis: RedisConnection, params: { prefix: string }): Promise<Map<string, ScannerState>> {
  const pattern = `${keyOf(params.prefix, '')}*`;
  const keys = await scanKeys(redis, pattern);
  const states = new Map<string, ScannerState>();
  if (keys.length === 0) return states;
  // One GET per key rather than an MGET: in a cluster the keys may sit in different slots.
  const values = await Promise.all(keys.map((key) => redis.get(key)));
  keys.forEach((key, i) => {
    const parsed = parseState(values[i] ?? null);
    if (parsed) states.set(key.slice(pattern.length - 1), parsed);
  });
  return states;
}

/** The deployment's scanner as a whole: `down` when any live worker says one of its scanners is down. */
export function scannerSummary(states: ReadonlyMap<string, ScannerState>): 'up' | 'down' | 'off' {
  const all = [...states.values()];
  if (all.some((s) => s.clamd === 'down' || s.classifier === 'down')) return 'down';
  if (all.some((s) => s.clamd === 'up' || s.classifier === 'up')) return 'up';
  return 'off';
}

function parseState(value: string | null): ScannerState | null {
  if (value === null) return null;
  try {
    const parsed = ScannerState.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Keys matching the pattern, on every master of a cluster (SCAN walks one node). */
async function scanKeys(redis: RedisConnection, pattern: string): Promise<string[]> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  const found = await Promise.all(
    nodes.map(async (node) => {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        keys.push(...batch);
        cursor = next;
      } while (cursor !== '0');
      return keys;
    }),
  );
  return [...new Set(found.flat())];
}
