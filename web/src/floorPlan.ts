import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { imageUrl, type ApiPosition, type ApiZoneOccupancy } from './api.ts';
import type { Feed } from './feed.ts';
import { dateTime, oneDecimal, plural, shortId } from './format.ts';
import { HeatCells } from './heatCells.ts';
import type { PositionFeed } from './positionFeed.ts';
import { useFloorPlanData } from './useFloorPlanData.ts';
import { useZoneOccupancy } from './useZoneOccupancy.ts';
import { ZoneCounts } from './zoneCounts.ts';

interface Props {
  feed: PositionFeed;
  zoneFeed: Feed<ApiZoneOccupancy>;
  /** Changes when the event stream reconnected: the site and positions are fetched again. */
  reconnectKey: number;
}

type Bounds = [number, number, number, number];

function positionTitle(p: ApiPosition): string {
  const medium = p.medium === 'ble' ? 'Bluetooth' : 'Wi-Fi';
  // An older hub sends neither radius90 nor zone.
  const radius =
    typeof p.radius90 === 'number'
      ? `within ${oneDecimal(p.radius90)} m (90%)`
      : `±${oneDecimal(p.uncertainty)} m`;
  const zone = typeof p.zone === 'string' ? `, in ${p.zone}` : '';
  return `${shortId(p.deviceId)} (${medium}) ${radius}${zone}, ${p.sensors} sensors, ${dateTime(p.t)}`;
}

/** The circle drawn around a fix: the calibrated 90% radius where the hub has one, else one sigma. */
function circleRadius(p: ApiPosition): number {
  return Math.max(typeof p.radius90 === 'number' ? p.radius90 : p.uncertainty, 0);
}

function centroid(polygon: [number, number][]): [number, number] {
  const n = polygon.length || 1;
  return [polygon.reduce((s, p) => s + p[0], 0) / n, polygon.reduce((s, p) => s + p[1], 0) / n];
}

/**
 * Where devices are: an SVG floor plan in site metres (y up, so drawn at -y), the plan image
 * underneath, zones, sensors, the last hour's heat map and the current positions with their
 * one-sigma circles, live over the event stream. Absent when the hub has no site file. Names
 * and labels from the site file are only ever text.
 */
export function FloorPlan({ feed, zoneFeed, reconnectKey }: Props) {
  const { site, heat, heatOn, toggleHeat, shownPositions, liveFixes } = useFloorPlanData(feed, reconnectKey);
  const occupancy = useZoneOccupancy((site?.zones.length ?? 0) > 0, zoneFeed, reconnectKey);
  const [image, setImage] = useState<{ href: string; width: number; height: number } | null>(null);
  const [pxPerMetre, setPxPerMetre] = useState(0);
  const svg = useRef<SVGSVGElement>(null);
  const bounds: Bounds | null = site?.bounds ?? null;

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

  const shown = shownPositions();

  const plan = site.floorPlan;
  const method = site.positioning;
  const placed = `${shown.length} placed${method === null ? '' : ` · ${method.method}, ${method.windowSeconds} s windows`}`;

  return html`<section class="card wide where" data-testid="floor-plan" data-live-fixes=${liveFixes}>
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
        const count = occupancy?.zones.find((c) => c.zone === z.name);
        return html`<g
          class=${`zone${(count?.devices ?? 0) > 0 ? ' occupied' : ''}`}
          data-testid="floor-zone"
          data-zone=${z.name}
          data-devices=${count?.devices ?? ''}
          data-people=${count?.people ?? ''}
        >
          <polygon points=${z.polygon.map(([x, y]) => `${x},${-y}`).join(' ')} />
          <text x=${cx} y=${-cy} font-size=${12 * px} text-anchor="middle">${z.name}</text>
          ${
            count === undefined
              ? null
              : html`<text
                  class="zone-count"
                  x=${cx}
                  y=${-cy + 15 * px}
                  font-size=${11 * px}
                  text-anchor="middle"
                  >${`${plural(count.devices, 'device', 'devices')} · ${plural(count.people, 'person', 'people')}`}</text
                >`
          }
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
            data-zone=${typeof p.zone === 'string' ? p.zone : ''}
            opacity=${Math.round(opacity * 100) / 100}
          >
            <circle
              class=${typeof p.radius90 === 'number' ? 'sigma r90' : 'sigma'}
              cx=${p.x}
              cy=${-p.y}
              r=${circleRadius(p)}
            />
            <circle class="fix" cx=${p.x} cy=${-p.y} r=${4 * px} stroke-width=${1.5 * px} />
            <title>${positionTitle(p)}</title>
          </g>`,
      )}
    </svg>
    <p class="note floor-legend">
      <span><i class="key wifi"></i>Wi-Fi</span>
      <span><i class="key ble"></i>Bluetooth</span>
      <span><i class="key square"></i>sensor</span>
      <span
        >${shown.some(({ p }) => typeof p.radius90 === 'number') ? 'circles: 90% of fixes fall within' : 'circles: one sigma'}</span
      >
      ${heatOn && heat !== null ? html`<span><i class="key heat"></i>fixes per ${heat.cell} m cell, max ${heat.max}</span>` : null}
      <span class="floor-meta" data-testid="floor-placed">${placed}</span>
    </p>
    ${occupancy === null ? null : html`<${ZoneCounts} occupancy=${occupancy} />`}
  </section>`;
}
