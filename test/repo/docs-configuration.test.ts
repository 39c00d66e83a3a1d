import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStorageConfig } from '@darkroom/storage';
import { loadApiConfig } from '../../apps/api/src/config.js';
import { loadDeliveryConfig } from '../../apps/delivery/src/config.js';
import { loadWorkerConfig } from '../../apps/worker/src/config.js';

/**
 * docs/configuration.md against the apps' config modules: each variable an app parses has a row,
 * and a row says only what is so (an app's own table, or its "used by" cell, names an app that
 * reads the variable). The variables are found by parsing an environment that records each name
 * asked of it, so the test follows the schemas without a list of its own.
 */
type App = 'api' | 'worker' | 'delivery';

function namesRead(load: (env: Record<string, string | undefined>) => unknown): Set<string> {
  const names = new Set<string>();
  const env = new Proxy({} as Record<string, string | undefined>, {
    get(_target, name) {
      if (typeof name === 'string') names.add(name);
      return undefined;
    },
  });
  try {
    load(env);
  } catch {
    // An empty environment lacks the required settings; every name was asked for by then.
  }
  return names;
}

const storage = namesRead(parseStorageConfig);
const reads: Record<App, Set<string>> = {
  api: new Set([...namesRead(loadApiConfig), ...storage]),
  worker: new Set([...namesRead(loadWorkerConfig), ...storage]),
  delivery: new Set([...namesRead(loadDeliveryConfig), ...storage]),
};

interface Row {
  section: string;
  names: string[];
  usedBy: string | undefined;
}

/** Each table row of the doc: the section it is in, the variables of its first cell, its "used by" cell. */
function rowsOf(markdown: string): Row[] {
  const rows: Row[] = [];
  let section = '';
  let usedByColumn = -1;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) section = line.slice(3).trim();
    if (!line.startsWith('|') || line.startsWith('|---')) continue;
    const cells = line.split(/(?<!\\)\|/).slice(1, -1);
    if (cells[0]?.trim() === 'variable') {
      usedByColumn = cells.findIndex((cell) => cell.trim() === 'used by');
      continue;
    }
    const names = [...(cells[0] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!);
    rows.push({ section, names, usedBy: usedByColumn >= 0 ? cells[usedByColumn] : undefined });
  }
  return rows;
}

/** The apps a row claims read its variables: its section's app, or those its "used by" cell names. */
function claimedApps(row: Row): App[] {
  const own: Record<string, App> = { API: 'api', Worker: 'worker' };
  if (own[row.section]) return [own[row.section]!];
  const cell = row.usedBy ?? '';
  const apps: App[] = [];
  if (/\bboth\b|\bapi\b/i.test(cell)) apps.push('api');
  if (/\bboth\b|\bworker\b/i.test(cell)) apps.push('worker');
  if (/\bdelivery\b/i.test(cell)) apps.push('delivery');
  return apps;
}

const rows = rowsOf(readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8'));

describe('docs/configuration.md against the config modules', () => {
  it('finds the variables each app parses', () => {
    for (const app of ['api', 'worker', 'delivery'] as const) expect(reads[app], app).toContain('DATABASE_URL');
    expect(reads.api).toContain('S3_ENDPOINT');
    expect(reads.worker).toContain('VIDEO_CHUNK_SECONDS');
  });

  it('has a row for every variable an app parses', () => {
    const documented = new Set(rows.flatMap((row) => row.names));
    for (const app of ['api', 'worker', 'delivery'] as const) {
      expect(
        [...reads[app]].filter((name) => !documented.has(name)),
        app,
      ).toEqual([]);
    }
  });

  it('names, in a section or a "used by" cell, only apps that read the variable', () => {
    const wrong = rows.flatMap((row) =>
      claimedApps(row).flatMap((app) => row.names.filter((name) => !reads[app].has(name)).map((name) => `${row.section}: ${name} (${app})`)),
    );
    expect(wrong).toEqual([]);
  });
});
