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

/** The closest point to p on segment ab. */
function closestOnSegment(p: Point2, a: readonly [number, number], b: readonly [number, number]): Point2 {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.min(1, Math.max(0, ((p.x - a[0]) * dx + (p.y - a[1]) * dy) / len2)) : 0;
  return { x: a[0] + t * dx, y: a[1] + t * dy };
}

type Segment = readonly [readonly [number, number], readonly [number, number]];

function segmentsOf(area: FloorArea): Segment[] {
  const rings = [boxRing(area.bounds), ...(area.polygon ? [area.polygon] : []), ...(area.obstacles ?? [])];
  return rings.flatMap((ring) =>
    ring.map((corner, i): Segment => [ring[(i + ring.length - 1) % ring.length]!, corner]),
  );
}

/** Where two segments cross, if they do. */
function crossing(a: Segment, b: Segment): Point2 | undefined {
  const [p, p2] = a;
  const [q, q2] = b;
  const rx = p2[0] - p[0];
  const ry = p2[1] - p[1];
  const sx = q2[0] - q[0];
  const sy = q2[1] - q[1];
  const den = rx * sy - ry * sx;
  if (den === 0) return undefined;
  const t = ((q[0] - p[0]) * sy - (q[1] - p[1]) * sx) / den;
  const u = ((q[0] - p[0]) * ry - (q[1] - p[1]) * rx) / den;
  return t >= 0 && t <= 1 && u >= 0 && u <= 1 ? { x: p[0] + t * rx, y: p[1] + t * ry } : undefined;
}

/**
 * A point within INSET of c (on an edge or a corner) that is on the floor with room to spare:
 * its neighbours a quarter INSET away are too, so it lies on no edge, where the even-odd rule
 * (and so which zone it is in) could go either way.
 */
function nudged(c: Point2, area: FloorArea): Point2 | undefined {
  const d = INSET / 4;
  for (let k = 0; k < 8; k++) {
    const a = (k * Math.PI) / 4;
    const q = { x: c.x + Math.cos(a) * INSET, y: c.y + Math.sin(a) * INSET };
    if (
      onFloor(q, area) &&
      onFloor({ x: q.x + d, y: q.y }, area) &&
      onFloor({ x: q.x - d, y: q.y }, area) &&
      onFloor({ x: q.x, y: q.y + d }, area) &&
      onFloor({ x: q.x, y: q.y - d }, area)
    )
      return q;
  }
  return undefined;
}

/**
 * The point of the floor nearest to p (p itself when it is on the floor). The nearest point lies
 * on an edge of the box, the outline or an obstacle: either the closest point of some edge, or a
 * corner where two edges meet or cross (a desk against a wall); of those that are on the floor
 * once nudged off the edge, the closest.
 */
export function nearestOnFloor(p: Point2, area: FloorArea): Point2 {
  if (onFloor(p, area)) return p;
  const segments = segmentsOf(area);
  let best: Point2 | undefined;
  let bestD = Infinity;
  const consider = (c: Point2) => {
    const d = Math.hypot(c.x - p.x, c.y - p.y);
    if (d >= bestD) return;
    const q = nudged(c, area);
    if (q) {
      best = q;
      bestD = d;
    }
  };
  for (const [a, b] of segments) consider(closestOnSegment(p, a, b));
  for (let i = 0; i < segments.length; i++)
    for (let j = i + 1; j < segments.length; j++) {
      const c = crossing(segments[i]!, segments[j]!);
      if (c) consider(c);
    }
  // Only a floor with no area at all gets here: the box is the last word.
  return best ?? clampToBounds(p, area.bounds);
}
