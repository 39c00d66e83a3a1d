import { describe, expect, it } from 'vitest';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { insertDaily, insertHourly } from '../support/usage-rows.js';

/**
 * `GET /v1/usage` (tenant key) over rows the rollup would have written (in 2030, which no
 * expiry reaches): every period of the range with zeros where nothing was counted, the meters asked only, totals by each meter's rule, and the
 * ranges it refuses with a sentence that says why.
 */
const harness = setupHarness({ withWorker: false });
const t = setupTenant(harness, 'usage-read');
const other = setupTenant(harness, 'usage-read-other');

describe('GET /v1/usage', () => {
  it('answers every period of the range, zeros where nothing was counted, and totals each meter by its rule', async () => {
    const db = harness.api.db;
    await insertHourly(db, [
      { tenantId: t.tenantId, hour: '2030-09-10T08:00Z', meter: 'uploads', value: 3 },
      { tenantId: t.tenantId, hour: '2030-09-10T10:00Z', meter: 'uploads', value: 4 },
      { tenantId: t.tenantId, hour: '2030-09-10T08:00Z', meter: 'stored_bytes_peak', value: 500 },
      { tenantId: t.tenantId, hour: '2030-09-10T10:00Z', meter: 'stored_bytes_peak', value: 900 },
      { tenantId: other.tenantId, hour: '2030-09-10T09:00Z', meter: 'uploads', value: 100 },
    ]);
    const byHour = await t.client.request(
      'GET',
      '/v1/usage?from=2030-09-10T08:00:00Z&to=2030-09-10T11:00:00Z&granularity=hour&meters=uploads,stored_bytes_peak',
    );
    expect(byHour.status, JSON.stringify(byHour.body)).toBe(200);
    expect(byHour.body).toEqual({
      from: '2030-09-10T08:00:00.000Z',
      to: '2030-09-10T11:00:00.000Z',
      granularity: 'hour',
      series: [
        { at: '2030-09-10T08:00:00.000Z', values: { uploads: 3, stored_bytes_peak: 500 } },
        { at: '2030-09-10T09:00:00.000Z', values: { uploads: 0, stored_bytes_peak: 0 } },
        { at: '2030-09-10T10:00:00.000Z', values: { uploads: 4, stored_bytes_peak: 900 } },
      ],
      totals: { uploads: 7, stored_bytes_peak: 900 },
    });

    await insertDaily(db, [
      { tenantId: t.tenantId, day: '2030-09-10', meter: 'stored_bytes', value: 24_000 },
      { tenantId: t.tenantId, day: '2030-09-11', meter: 'stored_bytes', value: 48_000 },
      { tenantId: t.tenantId, day: '2030-10-01', meter: 'stored_bytes', value: 1000 },
      { tenantId: t.tenantId, day: '2030-09-10', meter: 'delivery_bytes', value: 12_345_678_901 },
    ]);
    const byMonth = await t.client.request('GET', '/v1/usage?from=2030-08&to=2030-11&granularity=month');
    expect(byMonth.status).toBe(200);
    expect(byMonth.body.series.map((s) => s.at)).toEqual(['2030-08-01T00:00:00.000Z', '2030-09-01T00:00:00.000Z', '2030-10-01T00:00:00.000Z']);
    // Every meter when none is named.
    expect(Object.keys(byMonth.body.series[0]!.values)).toHaveLength(19);
    expect(byMonth.body.series.map((s) => s.values.stored_bytes)).toEqual([0, 72_000, 1000]);
    expect(byMonth.body.totals).toMatchObject({ stored_bytes: 73_000, delivery_bytes: 12_345_678_901, image_renders: 0 });

    const byDay = await t.client.request('GET', '/v1/usage?from=2030-09-09&to=2030-09-12&granularity=day&meters=stored_bytes');
    expect(byDay.body.series).toEqual([
      { at: '2030-09-09T00:00:00.000Z', values: { stored_bytes: 0 } },
      { at: '2030-09-10T00:00:00.000Z', values: { stored_bytes: 24_000 } },
      { at: '2030-09-11T00:00:00.000Z', values: { stored_bytes: 48_000 } },
    ]);
    // Another tenant's hour is not this one's.
    const theirs = await other.client.request('GET', '/v1/usage?from=2030-09-10T00:00Z&to=2030-09-11T00:00Z&granularity=hour&meters=uploads');
    expect(theirs.body.totals).toEqual({ uploads: 100 });
  });

  it.each([
    ['from=2026-09-10T08:30:00Z&to=2026-09-10T10:00:00Z&granularity=hour', 'from', 'must be the start of an hour'],
    ['from=2026-09-10&to=2026-09-15T12:00:00Z&granularity=day', 'to', 'must be the start of a day'],
    ['from=2026-09-05&to=2026-11-01&granularity=month', 'from', 'must be the start of a month'],
    ['from=2026-08-01&to=2026-09-02&granularity=hour', 'to', 'by hour, at most 31 days after "from"; ask by day for longer'],
    ['from=2024-09-01&to=2026-09-02&granularity=day', 'to', 'by day, at most 2 years after "from"'],
    ['from=2024-09&to=2026-10&granularity=month', 'to', 'by month, at most 2 years after "from"'],
    ['from=2026-09-10&to=2026-09-10', 'to', 'must be after "from"'],
    ['from=2026-02-30&to=2026-03-02', 'from', 'not an ISO 8601 date'],
    ['from=yesterday&to=2026-03-02', 'from', 'not an ISO 8601 date'],
    ['from=2026-09-01&to=2026-09-02&meters=uploads,bytes_stored', 'meters', 'unknown meter "bytes_stored"'],
  ])('refuses %s with 400 invalid_request naming "%s"', async (query, field, words) => {
    const res = await t.client.raw('GET', `/v1/usage?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toContain(`"${field}"`);
    expect(res.body.error.message).toContain(words);
  });

  it('accepts the longest ranges: 31 days by the hour, two years by day and by month', async () => {
    for (const query of [
      'from=2026-08-01&to=2026-09-01&granularity=hour',
      'from=2024-09-01&to=2026-09-01&granularity=day',
      'from=2024-09&to=2026-09&granularity=month',
    ]) {
      const res = await t.client.raw('GET', `/v1/usage?${query}&meters=uploads`);
      expect(res.status, query).toBe(200);
    }
  });

  it('takes a tenant key only', async () => {
    expect((await harness.admin.raw('GET', '/v1/usage?from=2026-09-01&to=2026-09-02')).status).toBe(403);
  });
});
