import { Agent, request } from 'node:http';

/** One answer as a flood sees it: its status, headers, error code and time taken. */
export interface FloodAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  code: string | undefined;
  ms: number;
}

/**
 * A GET of `path` (sent byte for byte, never normalised) on `baseUrl` through `agent`, kept alive so
 * a flood measures the server rather than new connections.
 */
export function timedGet(baseUrl: string, path: string, agent: Agent, headers: Record<string, string> = {}): Promise<FloodAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        const json = String(res.headers['content-type'] ?? '').includes('json');
        const code = json && text ? (JSON.parse(text) as { error?: { code?: string } }).error?.code : undefined;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, code, ms: performance.now() - started });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A flood's answers and when it ran (epoch ms, from before its first request to after its last answer). */
export interface Flood {
  answers: FloodAnswer[];
  startedAt: number;
  endedAt: number;
}

/** A tick of a flood: requests are sent in even batches this often. */
const TICK_MS = 20;

/**
 * `total` GETs spread evenly over `durationMs` on loopback (`pathOf(i)` the i-th's path), never
 * waiting for answers before sending the next batch; resolves once every one is answered.
 */
export async function flood(baseUrl: string, total: number, durationMs: number, pathOf: (i: number) => string): Promise<Flood> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const perTick = Math.ceil(total / Math.max(1, Math.floor(durationMs / TICK_MS)));
  const sent: Promise<FloodAnswer>[] = [];
  const startedAt = Date.now();
  try {
    while (sent.length < total) {
      for (let i = 0; i < perTick && sent.length < total; i++) sent.push(timedGet(baseUrl, pathOf(sent.length), agent));
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
    const answers = await Promise.all(sent);
    return { answers, startedAt, endedAt: Date.now() };
  } finally {
    agent.destroy();
  }
}

/** A counter's value in Prometheus text, for one set of labels as written (`kind="asset"`). */
export async function metricValue(baseUrl: string, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  if (!line) throw new Error(`no ${name}{${labels}} in /metrics`);
  return Number(line.split(' ')[1]);
}

/** Answers grouped by what `keyOf` says of each (say, its status and code). */
export function groupAnswers(answers: FloodAnswer[], keyOf: (answer: FloodAnswer) => string): Record<string, FloodAnswer[]> {
  const groups: Record<string, FloodAnswer[]> = {};
  for (const answer of answers) {
    const key = keyOf(answer);
    groups[key] = [...(groups[key] ?? []), answer];
  }
  return groups;
}

/** The median of some numbers (the upper one of an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
