import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { insertDaily } from '../support/usage-rows.js';

const run = promisify(execFile);
const harness = setupHarness({ withWorker: false });
const t = setupTenant(harness, 'usage-cli');

/** `npm run usage` as an operator runs it (the built CLI); its rows are in 2030, which no expiry reaches. */
function usageCli(...args: string[]) {
  return run(process.execPath, ['apps/api/dist/cli/usage-cli.js', ...args], { env: { ...process.env } }).then(
    (ended) => ({ code: 0, ...ended }),
    (failed: { code: number; stdout: string; stderr: string }) => ({ code: failed.code, stdout: failed.stdout, stderr: failed.stderr }),
  );
}

describe('npm run usage', () => {
  it("prints a tenant's month as a table, meters as rows, within 100 columns, and as JSON with --json", async () => {
    await insertDaily(harness.api.db, [
      { tenantId: t.tenantId, day: '2030-10-03', meter: 'uploads', value: 120 },
      { tenantId: t.tenantId, day: '2030-10-17', meter: 'uploads', value: 310 },
      { tenantId: t.tenantId, day: '2030-10-17', meter: 'upload_bytes', value: 2_500_000_000 },
      { tenantId: t.tenantId, day: '2030-10-03', meter: 'stored_bytes_peak', value: 4_000_000_000 },
      { tenantId: t.tenantId, day: '2030-10-04', meter: 'stored_bytes_peak', value: 3_000_000_000 },
      { tenantId: t.tenantId, day: '2030-10-03', meter: 'video_seconds_hd', value: 5025 },
      { tenantId: t.tenantId, day: '2030-11-01', meter: 'uploads', value: 9 },
    ]);
    const table = await usageCli('--tenant', t.tenantId, '--month', '2030-10');
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toBe(`usage-cli (${t.tenantId}), 2030-10 (UTC, days as the rollup last wrote them)`);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    const row = (meter: string) => lines.find((l) => l.startsWith(`${meter} `))?.split(/\s{2,}/);
    expect(row('uploads')).toEqual(['uploads', 'count', '430', '430', '2030-10-17', '310']);
    expect(row('upload_bytes')).toEqual(['upload_bytes', 'bytes', '2.50 GB', '2,500,000,000', '2030-10-17', '2.50 GB']);
    expect(row('stored_bytes_peak')).toEqual(['stored_bytes_peak', 'bytes', '4.00 GB', '4,000,000,000', '2030-10-03', '4.00 GB']);
    expect(row('video_seconds_hd')).toEqual(['video_seconds_hd', 'seconds', '1 h 23 min 45 s', '5,025', '2030-10-03', '1 h 23 min 45 s']);
    expect(row('webhook_deliveries')).toEqual(['webhook_deliveries', 'count', '-', '0', '-', '-']);

    const json = await usageCli('--tenant', t.tenantId, '--month', '2030-10', '--json');
    const parsed = JSON.parse(json.stdout) as {
      tenant: { name: string };
      month: string;
      meters: { meter: string; total: number; peakDay: unknown }[];
    };
    expect(parsed).toMatchObject({ tenant: { id: t.tenantId, name: 'usage-cli' }, month: '2030-10' });
    expect(parsed.meters).toHaveLength(19);
    expect(parsed.meters.find((m) => m.meter === 'uploads')).toEqual({
      meter: 'uploads',
      unit: 'count',
      total: 430,
      peakDay: { day: '2030-10-17', value: 310 },
    });
  });

  it.each([
    [['--month', '2030-10'], 'darkroom usage: give --tenant ID --month YYYY-MM (and --json for machines)'],
    [['--tenant', 'acme', '--month', '2030-10'], 'darkroom usage: --tenant "acme" is not a tenant id (a UUID)'],
    [
      ['--tenant', '00000000-0000-4000-8000-000000000000', '--month', '2026-13'],
      'darkroom usage: --month "2026-13" is not a month (YYYY-MM, e.g. 2026-11)',
    ],
    [
      ['--tenant', '00000000-0000-4000-8000-000000000000', '--month', 'november'],
      'darkroom usage: --month "november" is not a month (YYYY-MM, e.g. 2026-11)',
    ],
  ])('refuses %j with one line', async (args, line) => {
    const ended = await usageCli(...args);
    expect(ended).toMatchObject({ code: 2, stdout: '', stderr: `${line}\n` });
  });

  it('refuses a tenant the database does not have', async () => {
    const id = randomUUID();
    expect(await usageCli('--tenant', id, '--month', '2030-10')).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `darkroom usage: no tenant ${id} in this database\n`,
    });
  });
});
