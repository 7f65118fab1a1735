/** The positioning report folder: an error-CDF plot, a zone timeline, per-spot tables. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ErrorSummary } from '../../core/positioning/errorMetrics.ts';
import type { FixError, PositioningEvaluation } from './positioningEval.ts';

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
  '#bcbd22',
];

/** A CSV field: quoted when it holds a comma, quote or line break (zone names are the user's). */
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

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

const ZONE_COLOURS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#76b7b2', '#edc948', '#9c755f'];

/**
 * Zone assignments over time: per recording, a band for the truth's zone and one for each
 * method's assigned zone, coloured by zone (grey: elsewhere), against seconds since the
 * recording's first window. Disagreements show as colour breaks between the bands.
 */
export function zoneTimelineSvg(
  result: PositioningEvaluation,
  methods: readonly string[],
  title = 'Zone assignments over time',
): string {
  const shown = methods.filter((m) => (result.errors[m] ?? []).some((e) => 'truthZone' in e));
  const logs = [...new Set(shown.flatMap((m) => result.errors[m]!.map((e) => e.log)))];
  const zoneNames = [
    ...new Set(
      shown
        .flatMap((m) => result.errors[m]!.flatMap((e) => [e.truthZone, e.zone]))
        .filter((z) => z !== undefined),
    ),
  ].sort() as string[];
  const colour = (z: string | undefined) =>
    z === undefined ? '#cccccc' : ZONE_COLOURS[zoneNames.indexOf(z) % ZONE_COLOURS.length]!;
  const bandH = 14;
  const gap = 4;
  const blockH = (shown.length + 1) * (bandH + gap) + 22;
  const m = { left: 150, right: 30, top: 40, bottom: 50 };
  const W = 900;
  const pw = W - m.left - m.right;
  const H = m.top + logs.length * blockH + m.bottom;
  const spans = logs.map((log) => {
    const ts = shown.flatMap((mm) => result.errors[mm]!.filter((e) => e.log === log).map((e) => e.t));
    return { log, t0: Math.min(...ts), t1: Math.max(...ts) };
  });
  const longest = Math.max(1, ...spans.map((s) => s.t1 - s.t0 + result.windowSeconds));
  const sx = (dt: number) => m.left + (dt / longest) * pw;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.left}" y="22" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  spans.forEach(({ log, t0 }, i) => {
    const top = m.top + i * blockH;
    parts.push(`<text x="8" y="${top + 12}" font-weight="bold">${escapeXml(log)}</text>`);
    const rows: [string, (e: FixError) => string | undefined, string][] = [
      ['truth', (e) => e.truthZone, shown[0]!],
      ...shown.map((mm): [string, (e: FixError) => string | undefined, string] => [mm, (e) => e.zone, mm]),
    ];
    rows.forEach(([label, zoneOf, source], r) => {
      const y = top + 18 + r * (bandH + gap);
      parts.push(`<text x="${m.left - 6}" y="${y + bandH - 3}" text-anchor="end">${escapeXml(label)}</text>`);
      const list = result.errors[source]!.filter((e) => e.log === log).sort((a, b) => a.t - b.t);
      for (const e of list) {
        const x = sx(e.t - t0);
        const w = Math.max(1, sx(e.t - t0 + result.windowSeconds) - x);
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${bandH}" fill="${colour(zoneOf(e))}"/>`,
        );
      }
    });
  });
  const axisY = H - m.bottom + 8;
  const step = longest <= 60 ? 10 : longest <= 180 ? 30 : 60;
  for (let v = 0; v <= longest; v += step)
    parts.push(`<text x="${sx(v)}" y="${axisY + 12}" text-anchor="middle">${v}</text>`);
  parts.push(
    `<text x="${m.left + pw / 2}" y="${axisY + 28}" text-anchor="middle">seconds since the recording's first window</text>`,
  );
  zoneNames.forEach((z, i) => {
    const x = m.left + i * 110;
    parts.push(`<rect x="${x}" y="28" width="12" height="8" fill="${colour(z)}"/>`);
    parts.push(`<text x="${x + 16}" y="36">${escapeXml(z)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/**
 * Calibration of the error bars: for each method, the share of fixes whose error is within k
 * times their 90% radius, k from 0 to 2. A calibrated method crosses 0.9 at k = 1.
 */
export function coverageSvg(
  result: PositioningEvaluation,
  title = '90% circles: share holding the truth',
): string {
  const W = 760;
  const H = 420;
  const m = { left: 56, right: 240, top: 36, bottom: 48 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const sx = (k: number) => m.left + (k / 2) * pw;
  const sy = (p: number) => m.top + (1 - p) * ph;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.left}" y="22" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<rect x="${m.left}" y="${sy(0.95)}" width="${pw}" height="${sy(0.85) - sy(0.95)}" fill="#eef6ee"/>`,
    `<line x1="${sx(1)}" y1="${m.top}" x2="${sx(1)}" y2="${m.top + ph}" stroke="#bbb"/>`,
    `<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`,
    `<text x="${m.left + pw / 2}" y="${H - 10}" text-anchor="middle">error / radius90</text>`,
  ];
  for (let k = 0; k <= 2.0001; k += 0.5)
    parts.push(`<text x="${sx(k)}" y="${m.top + ph + 16}" text-anchor="middle">${k.toFixed(1)}</text>`);
  for (let p = 0; p <= 1.0001; p += 0.2)
    parts.push(`<text x="${m.left - 6}" y="${sy(p) + 4}" text-anchor="end">${p.toFixed(1)}</text>`);
  Object.entries(result.errors).forEach(([name, list], i) => {
    const ratios = list
      .filter((e) => e.radius90 !== undefined && e.radius90 > 0)
      .map((e) => Math.min(2, e.error / e.radius90!))
      .sort((a, b) => a - b);
    const colour = COLOURS[i % COLOURS.length]!;
    if (ratios.length > 0) {
      const pts = [`${sx(0)},${sy(0)}`];
      ratios.forEach((r, k) =>
        pts.push(`${sx(r)},${sy(k / ratios.length)}`, `${sx(r)},${sy((k + 1) / ratios.length)}`),
      );
      parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${pts.join(' ')}"/>`);
    }
    const rate = result.coverage[name]?.rate;
    const ly = m.top + 10 + i * 18;
    parts.push(
      `<line x1="${W - m.right + 12}" y1="${ly}" x2="${W - m.right + 32}" y2="${ly}" stroke="${colour}" stroke-width="2.5"/>`,
    );
    parts.push(
      `<text x="${W - m.right + 38}" y="${ly + 4}">${escapeXml(`${name}  ${rate == null ? '-' : rate.toFixed(2)}`)}</text>`,
    );
  });
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

/**
 * Writes cdf.svg, coverage.svg, zones.svg (when the site has zones), per-spot.md, per-spot.csv,
 * fixes.csv and summary.json into `dir`; returns their paths.
 */
export async function writeReport(
  dir: string,
  result: PositioningEvaluation,
  options: { title?: string; zoneMethods?: readonly string[] } = {},
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const fixes = ['solver,log,t,x,y,truth_x,truth_y,error,radius90,zone,truth_zone'];
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
          e.radius90?.toFixed(3) ?? '',
          csvField(e.zone ?? ''),
          csvField(e.truthZone ?? ''),
        ].join(','),
      );
  const summary = {
    windowSeconds: result.windowSeconds,
    solvers: result.solvers,
    best: result.best ?? null,
    coverage: result.coverage,
    zones: result.zones,
    perSpot: result.perSpot,
    refused: result.refused,
    unmatched: result.unmatched,
    skipped: result.skipped,
    unavailable: result.unavailable,
  };
  const zoneMethods = (options.zoneMethods ?? [result.best].filter((m) => m !== undefined)).filter(
    (m) => result.zones[m] !== undefined,
  );
  const files: [string, string][] = [
    ['cdf.svg', cdfSvg(result, options.title)],
    ['coverage.svg', coverageSvg(result)],
    ...(zoneMethods.length > 0
      ? [['zones.svg', zoneTimelineSvg(result, zoneMethods)] as [string, string]]
      : []),
    ['per-spot.md', perSpotMarkdown(result)],
    ['per-spot.csv', perSpotCsv(result)],
    ['fixes.csv', fixes.join('\n') + '\n'],
    ['summary.json', JSON.stringify(summary, null, 2) + '\n'],
  ];
  for (const [name, text] of files) await writeFile(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
