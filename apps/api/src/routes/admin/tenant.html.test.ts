import type { Tenant } from '@darkroom/db/schema';
import { describe, expect, it } from 'vitest';
import { expectEscaped, hostile } from '../../../../../test/support/escaping.js';
import { tenantPage } from './tenant.html.js';
import { meterChart } from './usage-chart.svg.js';

const tenant = (name: string) =>
  ({
    id: '0190d8f0-0000-7000-8000-000000000020',
    name,
    defaultPreset: null,
    createdAt: new Date(0),
    quotas: { storedBytes: 1e9 },
  }) as unknown as Tenant;
const usage = {
  from: '2026-11-01T00:00:00.000Z',
  to: '2026-11-03T00:00:00.000Z',
  granularity: 'day' as const,
  series: [
    { at: '2026-11-01T00:00:00.000Z', values: { uploads: 4 } },
    { at: '2026-11-02T00:00:00.000Z', values: { uploads: 0 } },
  ],
  totals: { uploads: 4 },
};

describe('tenant page', () => {
  it('escapes the tenant name and runs no script', () => {
    const page = tenantPage({ nonce: 'n0nce', tenant: tenant(hostile('tenant name')), usage, used: {} });
    expectEscaped(page, ['tenant name'], 0);
    expect(page.match(/<svg class="chart"/g)).toHaveLength(19);
  });

  it('shows a quota’s limit, and what is used of it when known', () => {
    const page = tenantPage({ nonce: 'n0nce', tenant: tenant('Acme'), usage, used: { storedBytes: 2.5e8 } });
    expect(page).toContain(
      '<tr data-quota="storedBytes"><td><code>storedBytes</code></td><td>held now</td><td class="num limit">1.00 GB</td><td class="num used">250 MB</td><td class="num">25 %</td></tr>',
    );
    expect(page).toContain('<td class="num limit">unlimited</td><td class="num used">—</td>');
  });
});

describe('a meter’s chart', () => {
  it('draws a bar a day up to the largest, an empty day as no bar, each titled with its day and value', () => {
    const svg = meterChart(
      'upload_bytes',
      [
        { day: '2026-11-01', value: 2e6 },
        { day: '2026-11-02', value: 0 },
        { day: '2026-11-03', value: 1e6 },
      ],
      3e6,
    );
    const heights = [...svg.matchAll(/height="([\d.]+)" fill="[^"]+"><title>/g)].map((m) => Number(m[1]));
    expect(heights).toEqual([84, 0, 42]);
    expect(svg).toContain('<title>2026-11-03: 1.00 MB</title>');
    expect(svg).toContain('aria-label="upload_bytes, 2026-11-01 to 2026-11-03: 3.00 MB in all, at most 2.00 MB a day"');
    expect(meterChart('uploads', [{ day: '2026-11-01', value: 0 }], 0)).toContain('>nothing counted</text>');
  });
});
