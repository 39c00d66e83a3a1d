import type { Meter } from '@darkroom/core/contract/usage';
import { html } from 'ghtml';
import { formatMeter } from '../../services/usage/meter-units.js';

/** One day of a meter, as the chart draws it. */
export interface ChartDay {
  /** `2026-11-05`. */
  day: string;
  value: number;
}

const WIDTH = 320;
const HEIGHT = 120;
/** The plot inside the labels: a line of text above for the scale, one below for the first and last day. */
const PLOT = { left: 4, right: WIDTH - 4, top: 18, bottom: HEIGHT - 18 };

/**
 * A meter's days as bars, server-rendered SVG (no library, no script: the console's policy runs none
 * but its own): the scale's top is the largest day, each bar's `<title>` its day and value, and the
 * whole an image whose label says what it shows. Colours are presentation attributes, which the
 * console's style policy allows (it refuses `style=` attributes).
 */
export function meterChart(meter: Meter, days: readonly ChartDay[], total: number): string {
  const largest = Math.max(0, ...days.map((d) => d.value));
  const step = (PLOT.right - PLOT.left) / Math.max(1, days.length);
  const height = PLOT.bottom - PLOT.top;
  const bars = days.map((d, i) => {
    const h = largest > 0 ? Math.max(d.value > 0 ? 1 : 0, (d.value / largest) * height) : 0;
    const x = (PLOT.left + i * step + 0.5).toFixed(1);
    return html`<rect class="bar" x="${x}" y="${(PLOT.bottom - h).toFixed(1)}" width="${Math.max(1, step - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="#3a6ff7"><title>${d.day}: ${formatMeter(meter, d.value)}</title></rect>`;
  });
  const label = `${meter}, ${days[0]?.day ?? ''} to ${days.at(-1)?.day ?? ''}: ${formatMeter(meter, total)} in all, at most ${formatMeter(meter, largest)} a day`;
  return (
    html`<svg class="chart" data-meter="${meter}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${label}" xmlns="http://www.w3.org/2000/svg">` +
    html`<text x="${PLOT.left}" y="12" font-size="11" fill="#667">${largest > 0 ? `max ${formatMeter(meter, largest)}` : 'nothing counted'}</text>` +
    html`<line x1="${PLOT.left}" y1="${PLOT.bottom + 0.5}" x2="${PLOT.right}" y2="${PLOT.bottom + 0.5}" stroke="#c5cad6"/>` +
    html`!${bars.join('')}` +
    html`<text x="${PLOT.left}" y="${HEIGHT - 4}" font-size="11" fill="#667">${days[0]?.day ?? ''}</text>` +
    html`<text x="${PLOT.right}" y="${HEIGHT - 4}" font-size="11" fill="#667" text-anchor="end">${days.at(-1)?.day ?? ''}</text></svg>`
  );
}
