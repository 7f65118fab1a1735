import { type Bounds, type Point2, clampToBounds, insideBounds, pointInPolygon } from './geometry.ts';

/**
 * Where a device can be: the floor's box, optionally its outline (an L-shaped flat, a corridor)
 * and obstacles nobody stands in (desks, columns, shafts). Every method's fix is moved onto this
 * area, so no fix lies hundreds of metres outside a flat or in the middle of a desk.
 */

/** Corners `[x, y]` in metres, in either winding; the last corner joins the first. */
export type Ring = readonly (readonly [number, number])[];

export interface FloorArea {
  bounds: Bounds;
  /** The floor's outline, when it is not the whole box. */
  polygon?: Ring;
  /** Places nobody stands: desks, columns, shafts. */
  obstacles?: readonly Ring[];
}

/** How far inside the floor a moved fix is put, metres: clear of the edge, whatever side rounding lands on. */
const INSET = 1e-6;

export function onFloor(p: Point2, area: FloorArea): boolean {
  if (!insideBounds(p, area.bounds)) return false;
  if (area.polygon && !pointInPolygon(p, area.polygon)) return false;
  return !area.obstacles?.some((o) => pointInPolygon(p, o));
}

function boxRing(b: Bounds): Ring {
  return [
    [b[0], b[1]],
    [b[2], b[1]],
    [b[2], b[3]],
    [b[0], b[3]],
  ];
}

/** The closest point to p on segment ab, with the segment's unit normal. */
function closestOnSegment(p: Point2, a: readonly [number, number], b: readonly [number, number]) {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.min(1, Math.max(0, ((p.x - a[0]) * dx + (p.y - a[1]) * dy) / len2)) : 0;
  const len = Math.sqrt(len2) || 1;
  return { x: a[0] + t * dx, y: a[1] + t * dy, nx: -dy / len, ny: dx / len };
}

/**
 * The point of the floor nearest to p (p itself when it is on the floor): the closest point on
 * any edge of the box, the outline or an obstacle that is on the floor once nudged off the edge.
 */
export function nearestOnFloor(p: Point2, area: FloorArea): Point2 {
  if (onFloor(p, area)) return p;
  const rings = [boxRing(area.bounds), ...(area.polygon ? [area.polygon] : []), ...(area.obstacles ?? [])];
  let best: Point2 | undefined;
  let bestD = Infinity;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const c = closestOnSegment(p, ring[j]!, ring[i]!);
      const d = Math.hypot(c.x - p.x, c.y - p.y);
      if (d >= bestD) continue;
      // Corners are shared by two edges, so nudge diagonally as well as along the normal.
      for (const [ox, oy] of [
        [c.nx, c.ny],
        [-c.nx, -c.ny],
        [c.nx - c.ny, c.ny + c.nx],
        [-c.nx - c.ny, -c.ny + c.nx],
        [c.nx + c.ny, c.ny - c.nx],
        [-c.nx + c.ny, -c.ny - c.nx],
      ] as const) {
        const q = { x: c.x + ox * INSET, y: c.y + oy * INSET };
        if (onFloor(q, area)) {
          best = q;
          bestD = d;
          break;
        }
      }
    }
  }
  // Only a floor with no area at all gets here: the box is the last word.
  return best ?? clampToBounds(p, area.bounds);
}

/** The box alone as a floor area. */
export function boxArea(bounds: Bounds): FloorArea {
  return { bounds };
}
