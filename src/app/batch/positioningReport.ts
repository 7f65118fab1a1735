/** The positioning report folder: an error-CDF plot and per-spot tables. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ErrorSummary } from '../../core/positioning/errorMetrics.ts';
import type { PositioningEvaluation } from './positioningEval.ts';

const COLOURS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#7f7f7f',
];

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Empirical CDF of each solver's errors, one line per solver, in plain SVG. */
export function cdfSvg(result: PositioningEvaluation, title = 'Position error, cumulative'): string {
  const W = 760;
  const H = 440;
  const m = { left: 56, right: 240, top: 36, bottom: 48 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const all = Object.values(result.errors)
    .flat()
    .map((e) => e.error)
    .sort((a, b) => a - b);
  const p98 = all.length > 0 ? all[Math.floor(0.98 * (all.length - 1))]! : 1;
  const xmax = Math.max(1, Math.ceil(p98));
  const sx = (v: number) => m.left + (Math.min(v, xmax) / xmax) * pw;
  const sy = (p: number) => m.top + (1 - p) * ph;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.left}" y="22" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  const step = xmax <= 5 ? 0.5 : xmax <= 12 ? 1 : Math.ceil(xmax / 10);
  for (let v = 0; v <= xmax + 1e-9; v += step) {
    parts.push(`<line x1="${sx(v)}" y1="${m.top}" x2="${sx(v)}" y2="${m.top + ph}" stroke="#eee"/>`);
    parts.push(`<text x="${sx(v)}" y="${m.top + ph + 16}" text-anchor="middle">${+v.toFixed(1)}</text>`);
  }
  for (let p = 0; p <= 1.0001; p += 0.1) {
    parts.push(
      `<line x1="${m.left}" y1="${sy(p)}" x2="${m.left + pw}" y2="${sy(p)}" stroke="${Math.abs(p - 0.5) < 1e-6 || Math.abs(p - 0.9) < 1e-6 ? '#bbb' : '#eee'}"/>`,
    );
    parts.push(`<text x="${m.left - 6}" y="${sy(p) + 4}" text-anchor="end">${p.toFixed(1)}</text>`);
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${m.left + pw / 2}" y="${H - 10}" text-anchor="middle">error (m)</text>`);
  parts.push(
    `<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">fraction of fixes</text>`,
  );
  Object.entries(result.errors).forEach(([name, list], i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const errs = list.map((e) => e.error).sort((a, b) => a - b);
    if (errs.length > 0) {
      const pts = [`${sx(0)},${sy(0)}`];
      errs.forEach((e, k) =>
        pts.push(`${sx(e)},${sy(k / errs.length)}`, `${sx(e)},${sy((k + 1) / errs.length)}`),
      );
      pts.push(`${sx(xmax)},${sy(1)}`);
      parts.push(
        `<polyline fill="none" stroke="${colour}" stroke-width="${name === result.best ? 2.5 : 1.5}" points="${pts.join(' ')}"/>`,
      );
    }
    const s = result.solvers[name];
    const label = `${name}${name === result.best ? ' (best)' : ''}  ${s?.median === null || !s ? '-' : s.median.toFixed(2)} m`;
    const ly = m.top + 10 + i * 18;
    parts.push(
      `<line x1="${W - m.right + 12}" y1="${ly}" x2="${W - m.right + 32}" y2="${ly}" stroke="${colour}" stroke-width="2.5"/>`,
    );
    parts.push(`<text x="${W - m.right + 38}" y="${ly + 4}">${escapeXml(label)}</text>`);
  });
  parts.push(
    `<text x="${W - m.right + 12}" y="${m.top + 10 + Object.keys(result.errors).length * 18 + 8}" fill="#555">legend: median error</text>`,
  );
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function cell(s: ErrorSummary | undefined): string {
  return !s || s.median === null ? '-' : `${s.median.toFixed(2)} / ${s.p90!.toFixed(2)} (${s.n})`;
}

/** Markdown: one row per spot or track, one column per solver, "median / p90 (n)" in metres. */
export function perSpotMarkdown(result: PositioningEvaluation): string {
  const solvers = Object.keys(result.solvers);
  const lines = [
    '| spot / track | ' + solvers.join(' | ') + ' |',
    '|---|' + solvers.map(() => '---:').join('|') + '|',
    ...Object.entries(result.perSpot).map(
      ([spot, row]) => `| ${spot} | ${solvers.map((n) => cell(row[n])).join(' | ')} |`,
    ),
    `| **all** | ${solvers.map((n) => cell(result.solvers[n])).join(' | ')} |`,
  ];
  return `Position error in metres: median / p90 (number of fixes). Best: ${result.best ?? '-'}.\n\n${lines.join('\n')}\n`;
}

export function perSpotCsv(result: PositioningEvaluation): string {
  const rows = ['spot,solver,n,median,mean,p90'];
  const add = (spot: string, name: string, s: ErrorSummary) =>
    rows.push([spot, name, s.n, s.median ?? '', s.mean ?? '', s.p90 ?? ''].join(','));
  for (const [spot, row] of Object.entries(result.perSpot))
    for (const [name, s] of Object.entries(row)) add(spot, name, s);
  for (const [name, s] of Object.entries(result.solvers)) add('all', name, s);
  return rows.join('\n') + '\n';
}

/** Writes cdf.svg, per-spot.md, per-spot.csv, fixes.csv and summary.json into `dir`; returns their paths. */
export async function writeReport(
  dir: string,
  result: PositioningEvaluation,
  options: { title?: string } = {},
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const fixes = ['solver,log,t,x,y,truth_x,truth_y,error'];
  for (const [name, list] of Object.entries(result.errors))
    for (const e of list)
      fixes.push(
        [
          name,
          e.log,
          e.t,
          e.x.toFixed(3),
          e.y.toFixed(3),
          e.truthX.toFixed(3),
          e.truthY.toFixed(3),
          e.error.toFixed(3),
        ].join(','),
      );
  const summary = {
    windowSeconds: result.windowSeconds,
    solvers: result.solvers,
    best: result.best ?? null,
    perSpot: result.perSpot,
    refused: result.refused,
    unmatched: result.unmatched,
    unavailable: result.unavailable,
  };
  const files: [string, string][] = [
    ['cdf.svg', cdfSvg(result, options.title)],
    ['per-spot.md', perSpotMarkdown(result)],
    ['per-spot.csv', perSpotCsv(result)],
    ['fixes.csv', fixes.join('\n') + '\n'],
    ['summary.json', JSON.stringify(summary, null, 2) + '\n'],
  ];
  for (const [name, text] of files) await writeFile(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
