/**
 * Small self-contained SVG charts for files (the day report, evaluation reports): lines that a
 * gap (null) interrupts, stacked bars, a heat map. Every piece of text is escaped, whoever chose
 * it (a site name, a sensor id).
 */

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export interface PlotSeries {
  label: string;
  values: readonly (number | null)[];
  color: string;
  dashed?: boolean;
}

export interface PlotFrame {
  title: string;
  /** One label per position; shown at about ten of them. */
  labels: readonly string[];
  width?: number;
  height?: number;
  /** Text of the y axis, e.g. "people". */
  unit?: string;
}

const f = (x: number) => (Math.round(x * 10) / 10).toString();
const M = { left: 44, right: 12, top: 44, bottom: 34 };

function frame(p: PlotFrame, max: number, legend: readonly { label: string; color: string }[]) {
  const w = p.width ?? 640;
  const h = p.height ?? 220;
  const n = Math.max(1, p.labels.length);
  const x = (i: number) => M.left + ((w - M.left - M.right) * (i + 0.5)) / n;
  const y = (v: number) => M.top + (h - M.top - M.bottom) * (1 - v / max);
  // As many labels as fit side by side (about 6 px a character at this size).
  const longest = Math.max(1, ...p.labels.map((l) => l.length));
  const every = Math.max(1, Math.ceil((n * (longest * 6 + 8)) / (w - M.left - M.right)));
  const parts = [
    `<text x="${M.left}" y="16" font-size="13" font-weight="600">${escapeXml(p.title)}</text>`,
    `<line x1="${M.left}" y1="${f(y(0))}" x2="${w - M.right}" y2="${f(y(0))}" stroke="#94a3b8"/>`,
    `<text x="${M.left - 6}" y="${f(y(max) + 4)}" text-anchor="end" font-size="10">${f(max)}</text>`,
    `<text x="${M.left - 6}" y="${f(y(0) + 4)}" text-anchor="end" font-size="10">0</text>`,
    ...(p.unit === undefined
      ? []
      : [`<text x="4" y="${f(M.top - 4)}" font-size="10" fill="#64748b">${escapeXml(p.unit)}</text>`]),
    ...p.labels.flatMap((label, i) =>
      i % every === 0
        ? [
            `<text x="${f(x(i))}" y="${h - M.bottom + 14}" text-anchor="middle" font-size="10">${escapeXml(label)}</text>`,
          ]
        : [],
    ),
    // The legend on its own line under the title, so a long title never runs into it.
    ...legend.map(
      (s, i) =>
        `<rect x="${M.left + i * 120}" y="24" width="10" height="8" fill="${s.color}"/>` +
        `<text x="${M.left + 14 + i * 120}" y="32" font-size="10">${escapeXml(s.label)}</text>`,
    ),
  ];
  return { w, h, n, x, y, parts };
}

function svg(w: number, h: number, body: readonly string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" font-family="system-ui, sans-serif">${body.join('')}</svg>`;
}

/**
 * Lines over positions; a null lifts the pen (a gap is not a zero), and positions in `gaps` are
 * shaded with "no data".
 */
export function lineChart(
  p: PlotFrame & { series: readonly PlotSeries[]; gaps?: readonly boolean[] },
): string {
  const max = Math.max(1, ...p.series.flatMap((s) => s.values.map((v) => v ?? 0))) * 1.1;
  const { w, h, n, x, y, parts } = frame(p, max, p.series);
  const slot = (w - M.left - M.right) / n;
  const shaded = (p.gaps ?? []).flatMap((gap, i) =>
    gap
      ? [
          `<rect x="${f(x(i) - slot / 2)}" y="${M.top}" width="${f(slot)}" height="${f(y(0) - M.top)}" fill="#e2e8f0"/>`,
        ]
      : [],
  );
  const lines = p.series.map((s) => {
    let d = '';
    let pen = false;
    const dots: string[] = [];
    s.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${f(x(i))},${f(y(v))}`;
      if (s.values[i - 1] == null && s.values[i + 1] == null)
        dots.push(`<circle cx="${f(x(i))}" cy="${f(y(v))}" r="2.5" fill="${s.color}"/>`);
      pen = true;
    });
    return (
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>` +
      dots.join('')
    );
  });
  return svg(w, h, [...shaded, ...parts, ...lines]);
}

/** Bars stacked from the first series up; a position where every series is null is drawn as "no data". */
export function barChart(p: PlotFrame & { series: readonly PlotSeries[] }): string {
  const totals = p.labels.map((_, i) => p.series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals) * 1.1;
  const { w, h, n, x, y, parts } = frame(p, max, p.series);
  const bar = ((w - M.left - M.right) / n) * 0.7;
  const bars = p.labels.flatMap((label, i) => {
    if (p.series.every((s) => s.values[i] === null))
      return [
        `<rect x="${f(x(i) - bar / 2)}" y="${M.top}" width="${f(bar)}" height="${f(y(0) - M.top)}" fill="#f1f5f9" stroke="#cbd5e1" stroke-dasharray="3 3"><title>${escapeXml(label)}: no data</title></rect>`,
      ];
    let base = 0;
    return p.series.map((s) => {
      const v = s.values[i] ?? 0;
      const rect = `<rect x="${f(x(i) - bar / 2)}" y="${f(y(base + v))}" width="${f(bar)}" height="${f(y(base) - y(base + v))}" fill="${s.color}"><title>${escapeXml(`${label}: ${s.label} ${v}`)}</title></rect>`;
      base += v;
      return rect;
    });
  });
  return svg(w, h, [...parts, ...bars]);
}

/** Rows x columns of cells, darker when larger; null cells hatched as "no data". */
export function heatMap(p: {
  title: string;
  rows: readonly string[];
  columns: readonly string[];
  values: readonly (readonly (number | null)[])[];
}): string {
  const cell = 20;
  const left = 40;
  const top = 34;
  const w = left + p.columns.length * cell + 10;
  const h = top + p.rows.length * cell + 10;
  const max = Math.max(0.1, ...p.values.flat().map((v) => v ?? 0));
  const body = [
    `<text x="${left}" y="16" font-size="13" font-weight="600">${escapeXml(p.title)}</text>`,
    ...p.columns.flatMap((c, j) =>
      j % 3 === 0 ? [`<text x="${left + j * cell}" y="${top - 4}" font-size="9">${escapeXml(c)}</text>`] : [],
    ),
    ...p.rows.map((r, i) => `<text x="2" y="${top + i * cell + 14}" font-size="10">${escapeXml(r)}</text>`),
    ...p.values.flatMap((row, i) =>
      row.map((v, j) =>
        v === null
          ? `<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell - 2}" height="${cell - 2}" fill="#f1f5f9"/>`
          : `<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell - 2}" height="${cell - 2}" fill="#ef4444" fill-opacity="${f(0.1 + 0.9 * (v / max))}"><title>${escapeXml(`${p.rows[i]} ${p.columns[j]}: ${v}`)}</title></rect>`,
      ),
    ),
  ];
  return svg(w, h, body);
}
