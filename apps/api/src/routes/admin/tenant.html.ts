import { METERS, QUOTA_METERS, QUOTAS, type Meter, type QuotaName } from '@darkroom/core/contract/usage';
import type { Tenant } from '@darkroom/db/schema';
import { html } from 'ghtml';
import { formatMeter, METER_UNITS } from '../../services/usage/meter-units.js';
import type { UsageSeries } from '../../services/usage/tenant-usage.js';
import { layout } from './dashboard.html.js';
import { meterChart } from './usage-chart.svg.js';

export interface TenantPageModel {
  nonce: string;
  tenant: Tenant;
  /** The last 30 days by day, every meter. */
  usage: UsageSeries;
  /** What each quota set has used in its current period (services/tenant-quotas.ts's `quotaUsed`). */
  used: Partial<Record<QuotaName, number>>;
}

const TENANT_STYLE = `
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(336px, 1fr)); gap: 12px; padding: 0; list-style: none; }
.charts > li { background: #fff; border: 1px solid #e3e6ec; border-radius: 6px; padding: 8px; }
.charts h3 { margin: 0 0 4px; font-size: 13px; display: flex; justify-content: space-between; gap: 8px; }
.charts h3 .total { font-weight: 400; color: #445; }
svg.chart { width: 100%; height: auto; display: block; }
table.quotas { max-width: 760px; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; } dl.facts dt { color: #667; }
`;

/** A quota's limit in its meter's unit (storedBytes: bytes held). */
const quotaUnitMeter = (quota: QuotaName): Meter => {
  const { meters } = QUOTA_METERS[quota];
  return meters === 'stored' ? 'stored_bytes_peak' : meters[0]!;
};

function quotaRow(quota: QuotaName, limit: number | null | undefined, used: number | null): string {
  const meter = quotaUnitMeter(quota);
  const period = QUOTA_METERS[quota].monthly ? 'this month (UTC)' : 'held now';
  const limitText = typeof limit === 'number' ? formatMeter(meter, limit) : 'unlimited';
  const usedText = used === null ? '—' : formatMeter(meter, used);
  const share = typeof limit === 'number' && used !== null ? `${Math.floor((used / limit) * 100)} %` : '—';
  return html`<tr data-quota="${quota}"><td><code>${quota}</code></td><td>${period}</td><td class="num limit">${limitText}</td><td class="num used">${usedText}</td><td class="num">${share}</td></tr>`;
}

function quotasSection(model: TenantPageModel): string {
  const quotas = model.tenant.quotas ?? {};
  const rows = QUOTAS.map((q) => quotaRow(q, quotas[q], model.used[q] ?? null)).join('');
  const note =
    '<p class="muted">Used: this month\'s counters, and for <code>storedBytes</code> what is held now; uploads in flight are not counted until they complete.</p>';
  return (
    html`<section aria-labelledby="quotas-heading"><h2 id="quotas-heading">Quotas</h2>` +
    html`<table class="quotas" id="quotas"><thead><tr><th>Quota</th><th>Period</th><th>Limit</th><th>Used</th><th>Share</th></tr></thead><tbody>!${rows}</tbody></table>!${note}</section>`
  );
}

function usageSection(usage: UsageSeries): string {
  const items = METERS.map((meter) => {
    const days = usage.series.map((s) => ({ day: s.at.slice(0, 10), value: s.values[meter] ?? 0 }));
    const total = usage.totals[meter] ?? 0;
    return html`<li><h3><code>${meter}</code><span class="total">${formatMeter(meter, total)} <span class="muted">${METER_UNITS[meter]}</span></span></h3>!${meterChart(meter, days, total)}</li>`;
  });
  const first = usage.series[0]?.at.slice(0, 10) ?? '';
  const last = usage.series.at(-1)?.at.slice(0, 10) ?? '';
  return (
    html`<section aria-labelledby="usage-heading"><h2 id="usage-heading">Usage, ${first} to ${last} (UTC, by day)</h2>` +
    html`<p class="muted">Today's day is as the rollup last wrote it. <code>stored_bytes</code> is byte-hours; the peak, bytes held at most.</p>` +
    html`<ul class="charts">!${items.join('')}</ul></section>`
  );
}

/** One tenant: its settings, its quotas with what is used, and a chart of each meter over the last 30 days. */
export function tenantPage(model: TenantPageModel): string {
  const t = model.tenant;
  const body =
    html`<style nonce="${model.nonce}">!${TENANT_STYLE}</style><p><a href="/admin/tenants">← Tenants</a></p><h1>${t.name}</h1>` +
    html`<dl class="facts"><dt>Tenant id</dt><dd><code>${t.id}</code></dd><dt>Default preset</dt><dd>${t.defaultPreset ?? 'default'}</dd>` +
    html`<dt>Created</dt><dd>${t.createdAt.toISOString()}</dd></dl>!${quotasSection(model)}!${usageSection(model.usage)}`;
  return layout(t.name, model.nonce, body);
}
