import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, imageUrl, type ApiHeatmap, type ApiPosition, type ApiSite } from './api.ts';
import { dateTime, oneDecimal } from './format.ts';
import type { PositionFeed } from './positionFeed.ts';

const HEAT_KEY = 'airtrace.heatmap';
/** Redraws for live positions at most this often (about five a second). */
const REDRAW_MS = 200;
const HEAT_REFRESH_MS = 60_000;
/** While the heat map is empty, the first positions fetch it again, at most this often. */
const HEAT_EMPTY_RETRY_MS = 5_000;
const SITE_RETRY_MS = 15_000;
/** A dot fades out over this many positioning windows, then goes. */
const FADE_WINDOWS = 3;
const DEFAULT_POSITIONING_SECONDS = 2;

interface Props {
  feed: PositionFeed;
  /** Changes when the event stream reconnected: the site and positions are fetched again. */
  reconnectKey: number;
}

type Bounds = [number, number, number, number];

/**
 * The data clock: the newest fix seen, moved on by the wall clock since it arrived. A replay
 * runs faster than real time, so the browser's clock alone would fade every dot at once.
 */
class DataClock {
  private t = -Infinity;
  private at = 0;
  see(t: number): void {
    if (t > this.t) {
      this.t = t;
      this.at = Date.now() / 1000;
    }
  }
  now(): number {
    return this.t + (Date.now() / 1000 - this.at);
  }
}

function shortId(id: string): string {
  return id.length > 13 ? `${id.slice(0, 12)}…` : id;
}

function positionTitle(p: ApiPosition): string {
  const medium = p.medium === 'ble' ? 'Bluetooth' : 'Wi-Fi';
  return `${shortId(p.deviceId)} (${medium}) ±${oneDecimal(p.uncertainty)} m, ${p.sensors} sensors, ${dateTime(p.t)}`;
}

function centroid(polygon: [number, number][]): [number, number] {
  const n = polygon.length || 1;
  return [polygon.reduce((s, p) => s + p[0], 0) / n, polygon.reduce((s, p) => s + p[1], 0) / n];
}

function HeatCells({ heat, unit }: { heat: ApiHeatmap; unit: number }) {
  const [x0, y0] = heat.bounds;
  const cells = [];
  for (let i = 0; i < heat.counts.length; i++) {
    const count = heat.counts[i]!;
    if (count <= 0 || heat.max <= 0) continue;
    const col = i % heat.columns;
    const row = Math.floor(i / heat.columns);
    cells.push(
      html`<rect
        class="heat-cell"
        data-count=${count}
        x=${x0 + col * heat.cell}
        y=${-(y0 + (row + 1) * heat.cell)}
        width=${heat.cell + unit * 0.5}
        height=${heat.cell + unit * 0.5}
        fill-opacity=${0.12 + 0.73 * (count / heat.max)}
        ><title>${count} fixes</title></rect
      >`,
    );
  }
  return html`<g data-testid="floor-heatmap" data-cells=${cells.length} data-max=${heat.max}>${cells}</g>`;
}

/**
 * Where devices are: an SVG floor plan in site metres (y up, so drawn at -y), the plan image
 * underneath, zones, sensors, the last hour's heat map and the current positions with their
 * one-sigma circles, live over the event stream. Absent when the hub has no site file. Names
 * and labels from the site file are only ever text.
 */
export function FloorPlan({ feed, reconnectKey }: Props) {
  const [site, setSite] = useState<ApiSite | null>(null);
  const [heatOn, setHeatOn] = useState(() => localStorage.getItem(HEAT_KEY) !== 'off');
  const [heat, setHeat] = useState<ApiHeatmap | null>(null);
  const [image, setImage] = useState<{ href: string; width: number; height: number } | null>(null);
  const [pxPerMetre, setPxPerMetre] = useState(0);
  const [, setVersion] = useState(0);
  const positions = useRef(new Map<string, ApiPosition>());
  const clock = useRef(new DataClock());
  const liveFixes = useRef(0);
  const svg = useRef<SVGSVGElement>(null);
  const redrawPending = useRef<ReturnType<typeof setTimeout>>();
  const heatFetchedAt = useRef(0);
  const heatRef = useRef(heat);
  heatRef.current = heat;

  const bounds: Bounds | null = site?.bounds ?? null;
  const positioningSeconds = site?.positioning?.windowSeconds ?? DEFAULT_POSITIONING_SECONDS;

  const redrawSoon = () => {
    if (redrawPending.current !== undefined) return;
    redrawPending.current = setTimeout(() => {
      redrawPending.current = undefined;
      setVersion((v) => v + 1);
    }, REDRAW_MS);
  };

  const remember = (p: ApiPosition) => {
    const known = positions.current.get(p.deviceId);
    if (known === undefined || known.t <= p.t) positions.current.set(p.deviceId, p);
    clock.current.see(p.t);
  };

  const loadHeat = () => {
    heatFetchedAt.current = Date.now();
    api
      .heatmap()
      .then(setHeat)
      .catch(() => setHeat(null));
  };

  // The site: until the hub answers (an older hub has no api/site), ask again now and then.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    const load = () =>
      api.site().then(
        (s) => live && setSite(s),
        () => {
          if (live) timer = setTimeout(load, SITE_RETRY_MS);
        },
      );
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [reconnectKey]);

  // The latest fix of each device, then every new one from the event stream.
  useEffect(() => {
    if (bounds === null) return;
    api
      .currentPositions()
      .then((r) => {
        r.positions.forEach(remember);
        redrawSoon();
      })
      .catch(() => {});
    return feed.listen((p) => {
      liveFixes.current++;
      remember(p);
      redrawSoon();
      const h = heatRef.current;
      if ((h === null || h.max === 0) && Date.now() - heatFetchedAt.current > HEAT_EMPTY_RETRY_MS) loadHeat();
    });
  }, [bounds !== null, reconnectKey]);

  // Dots fade with the data clock even when nothing new arrives.
  useEffect(() => {
    if (bounds === null) return;
    const timer = setInterval(() => positions.current.size > 0 && setVersion((v) => v + 1), 1000);
    return () => {
      clearInterval(timer);
      clearTimeout(redrawPending.current);
      redrawPending.current = undefined;
    };
  }, [bounds !== null]);

  useEffect(() => {
    if (bounds === null || !heatOn) return;
    loadHeat();
    const timer = setInterval(loadHeat, HEAT_REFRESH_MS);
    return () => clearInterval(timer);
  }, [bounds !== null, heatOn, reconnectKey]);

  // The plan image's size in pixels, to lay it out in metres.
  const planUrl =
    site?.floorPlan === null || site?.floorPlan === undefined ? undefined : imageUrl(site.floorPlan.url);
  useEffect(() => {
    setImage(null);
    if (planUrl === undefined) return;
    const img = new Image();
    img.onload = () => setImage({ href: planUrl, width: img.naturalWidth, height: img.naturalHeight });
    img.src = planUrl;
    return () => void (img.onload = null);
  }, [planUrl]);

  // Pixels per metre on screen, so dots, squares and labels keep their size in pixels.
  useEffect(() => {
    const el = svg.current;
    if (el === null || bounds === null) return;
    const measure = () => {
      const box = el.viewBox.baseVal;
      if (box.width > 0 && box.height > 0)
        setPxPerMetre(Math.min(el.clientWidth / box.width, el.clientHeight / box.height));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [bounds?.join(',')]);

  if (site === null || bounds === null) return null;

  const [xmin, ymin, xmax, ymax] = bounds;
  const width = Math.max(xmax - xmin, 1e-3);
  const height = Math.max(ymax - ymin, 1e-3);
  const pad = Math.max(width, height) * 0.03;
  const viewBox = `${xmin - pad} ${-ymax - pad} ${width + 2 * pad} ${height + 2 * pad}`;
  const px = 1 / (pxPerMetre > 0 ? pxPerMetre : 900 / (width + 2 * pad));

  const now = clock.current.now();
  const maxAge = FADE_WINDOWS * positioningSeconds;
  const shown: { p: ApiPosition; opacity: number }[] = [];
  for (const [id, p] of positions.current) {
    const age = now - p.t;
    if (age > maxAge) positions.current.delete(id);
    else
      shown.push({
        p,
        opacity:
          age <= positioningSeconds ? 1 : 1 - (age - positioningSeconds) / (maxAge - positioningSeconds),
      });
  }
  shown.sort((a, b) => a.opacity - b.opacity);

  const plan = site.floorPlan;
  const method = site.positioning;
  const placed = `${shown.length} placed${method === null ? '' : ` · ${method.method}, ${method.windowSeconds} s windows`}`;
  const toggleHeat = (on: boolean) => {
    setHeatOn(on);
    localStorage.setItem(HEAT_KEY, on ? 'on' : 'off');
  };

  return html`<section class="card wide where" data-testid="floor-plan" data-live-fixes=${liveFixes.current}>
    <header class="chart-head">
      <h2>Where</h2>
      <label class="check">
        <input
          type="checkbox"
          data-testid="heatmap-toggle"
          checked=${heatOn}
          onChange=${(e: Event) => toggleHeat((e.target as HTMLInputElement).checked)}
        />
        Heat map (last hour)
      </label>
    </header>
    <svg
      class="floor"
      ref=${svg}
      viewBox=${viewBox}
      style=${{ aspectRatio: `${width + 2 * pad} / ${height + 2 * pad}` }}
      role="img"
      aria-label=${`Floor plan of ${site.name}: ${shown.length} devices placed`}
    >
      <rect class="floor-bounds" x=${xmin} y=${-ymax} width=${width} height=${height} />
      ${
        plan !== null && image !== null
          ? html`<image
              href=${image.href}
              x=${-plan.origin[0] * plan.metresPerPixel}
              y=${-plan.origin[1] * plan.metresPerPixel}
              width=${image.width * plan.metresPerPixel}
              height=${image.height * plan.metresPerPixel}
              preserveAspectRatio="none"
              opacity="0.85"
            />`
          : null
      }
      ${heatOn && heat !== null ? html`<${HeatCells} heat=${heat} unit=${px} />` : null}
      ${site.zones.map((z) => {
        const [cx, cy] = centroid(z.polygon);
        return html`<g class="zone">
          <polygon points=${z.polygon.map(([x, y]) => `${x},${-y}`).join(' ')} />
          <text x=${cx} y=${-cy} font-size=${12 * px} text-anchor="middle">${z.name}</text>
        </g>`;
      })}
      ${site.sensors.map(
        (s) =>
          html`<g class="floor-sensor" data-testid="floor-sensor" data-sensor=${s.id}>
            <rect x=${s.x - 5 * px} y=${-s.y - 5 * px} width=${10 * px} height=${10 * px} />
            <text x=${s.x + 8 * px} y=${-s.y + 4 * px} font-size=${11 * px}>${s.label ?? s.id}</text>
            <title>${`${s.label ?? s.id} (${oneDecimal(s.x)}, ${oneDecimal(s.y)} m)`}</title>
          </g>`,
      )}
      ${shown.map(
        ({ p, opacity }) =>
          html`<g
            class=${`pos ${p.medium}`}
            data-testid="floor-position"
            data-device=${p.deviceId}
            data-t=${p.t}
            opacity=${Math.round(opacity * 100) / 100}
          >
            <circle class="sigma" cx=${p.x} cy=${-p.y} r=${Math.max(p.uncertainty, 0)} />
            <circle class="fix" cx=${p.x} cy=${-p.y} r=${4 * px} stroke-width=${1.5 * px} />
            <title>${positionTitle(p)}</title>
          </g>`,
      )}
    </svg>
    <p class="note floor-legend">
      <span><i class="key wifi"></i>Wi-Fi</span>
      <span><i class="key ble"></i>Bluetooth</span>
      <span><i class="key square"></i>sensor</span>
      <span>circles: one sigma</span>
      ${heatOn && heat !== null ? html`<span><i class="key heat"></i>fixes per ${heat.cell} m cell, max ${heat.max}</span>` : null}
      <span class="floor-meta" data-testid="floor-placed">${placed}</span>
    </p>
  </section>`;
}
