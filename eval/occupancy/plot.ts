/** Plain-SVG plots of estimated people (with the interval band) against ground truth over a day. */

export interface PlotWindow {
  start: number;
  end: number;
  truth: number;
  estimate: number;
  low: number;
  high: number;
}

export interface PlotDay {
  day: string;
  windows: readonly PlotWindow[];
  mae: number;
  /** Headcounts the estimates were calibrated with, drawn as dots. */
  counts?: readonly { t: number; count: number }[];
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function hhmm(t: number): string {
  return new Date(t * 1000).toISOString().slice(11, 16);
}

const f1 = (x: number) => x.toFixed(1);

/** One panel at (x, y) of size w x h; returns SVG elements. */
function panel(
  day: PlotDay,
  x: number,
  y: number,
  w: number,
  h: number,
  yMax: number,
  large: boolean,
): string[] {
  const ws = day.windows;
  if (ws.length === 0) return [];
  const t0 = ws[0]!.start;
  const t1 = ws.at(-1)!.end;
  const sx = (t: number) => x + ((t - t0) / Math.max(1, t1 - t0)) * w;
  const sy = (v: number) => y + h - (Math.min(v, yMax) / yMax) * h;
  const mid = (win: PlotWindow) => (win.start + win.end) / 2;
  const out: string[] = [];
  out.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
  const step = yMax <= 10 ? 2 : 5;
  for (let v = 0; v <= yMax; v += step) {
    out.push(`<line x1="${x}" y1="${f1(sy(v))}" x2="${x + w}" y2="${f1(sy(v))}" stroke="#eee"/>`);
    out.push(
      `<text x="${x - 4}" y="${f1(sy(v) + 4)}" text-anchor="end" font-size="${large ? 12 : 9}">${v}</text>`,
    );
  }
  const hourStep = (t1 - t0) / 3600 > 6 ? 7200 : 3600;
  for (let t = Math.ceil(t0 / hourStep) * hourStep; t <= t1; t += hourStep) {
    out.push(`<line x1="${f1(sx(t))}" y1="${y}" x2="${f1(sx(t))}" y2="${y + h}" stroke="#eee"/>`);
    out.push(
      `<text x="${f1(sx(t))}" y="${y + h + (large ? 16 : 11)}" text-anchor="middle" font-size="${large ? 12 : 9}">${hhmm(t)}</text>`,
    );
  }
  // Interval band: low along, high back.
  const band = [
    ...ws.map((win) => `${f1(sx(mid(win)))},${f1(sy(win.low))}`),
    ...[...ws].reverse().map((win) => `${f1(sx(mid(win)))},${f1(sy(win.high))}`),
  ];
  out.push(`<polygon points="${band.join(' ')}" fill="#1f77b4" fill-opacity="0.18" stroke="none"/>`);
  // Truth as steps per window (it is a window mean).
  const truth = ws.flatMap((win) => [
    `${f1(sx(win.start))},${f1(sy(win.truth))}`,
    `${f1(sx(win.end))},${f1(sy(win.truth))}`,
  ]);
  out.push(
    `<polyline points="${truth.join(' ')}" fill="none" stroke="#222" stroke-width="${large ? 2 : 1.2}"/>`,
  );
  const est = ws.map((win) => `${f1(sx(mid(win)))},${f1(sy(win.estimate))}`);
  out.push(
    `<polyline points="${est.join(' ')}" fill="none" stroke="#1f77b4" stroke-width="${large ? 2 : 1.2}"/>`,
  );
  for (const c of day.counts ?? []) {
    out.push(
      `<circle cx="${f1(sx(c.t))}" cy="${f1(sy(c.count))}" r="${large ? 5 : 3}" fill="#d62728" stroke="white"/>`,
    );
  }
  out.push(
    `<text x="${x + 4}" y="${y + (large ? 16 : 12)}" font-size="${large ? 13 : 10}">${escapeXml(day.day)} (UTC), MAE ${day.mae.toFixed(2)}</text>`,
  );
  return out;
}

function legend(x: number, y: number): string[] {
  return [
    `<line x1="${x}" y1="${y}" x2="${x + 24}" y2="${y}" stroke="#222" stroke-width="2"/>`,
    `<text x="${x + 30}" y="${y + 4}">truth (people in the lab, window mean)</text>`,
    `<line x1="${x + 270}" y1="${y}" x2="${x + 294}" y2="${y}" stroke="#1f77b4" stroke-width="2"/>`,
    `<rect x="${x + 270}" y="${y + 6}" width="24" height="8" fill="#1f77b4" fill-opacity="0.18"/>`,
    `<text x="${x + 300}" y="${y + 4}">airtrace estimate and 90% interval</text>`,
    `<circle cx="${x + 552}" cy="${y}" r="4" fill="#d62728"/>`,
    `<text x="${x + 562}" y="${y + 4}">headcount (where used)</text>`,
  ];
}

function svg(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="16" y="22" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function yMaxOf(days: readonly PlotDay[]): number {
  const top = Math.max(1, ...days.flatMap((d) => d.windows.flatMap((w) => [w.truth, w.high, w.estimate])));
  return Math.ceil(top / 5) * 5;
}

/** One day, large. */
export function daySvg(day: PlotDay, title: string): string {
  const W = 900;
  const H = 420;
  const m = { left: 48, right: 16, top: 56, bottom: 40 };
  return svg(W, H, title, [
    ...legend(m.left, 40),
    ...panel(day, m.left, m.top, W - m.left - m.right, H - m.top - m.bottom, yMaxOf([day]), true),
    `<text transform="translate(14 ${m.top + (H - m.top - m.bottom) / 2}) rotate(-90)" text-anchor="middle">people</text>`,
  ]);
}

/** Every day as a small panel, same y scale. */
export function daysSvg(days: readonly PlotDay[], title: string): string {
  const cols = 4;
  const pw = 260;
  const ph = 140;
  const gapX = 40;
  const gapY = 44;
  const left = 36;
  const top = 64;
  const rows = Math.ceil(days.length / cols);
  const yMax = yMaxOf(days);
  const body = legend(left, 42);
  days.forEach((d, i) => {
    const x = left + (i % cols) * (pw + gapX);
    const y = top + Math.floor(i / cols) * (ph + gapY);
    body.push(...panel(d, x, y, pw, ph, yMax, false));
  });
  return svg(left + cols * (pw + gapX), top + rows * (ph + gapY), title, body);
}
