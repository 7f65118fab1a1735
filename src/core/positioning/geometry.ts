/** Plane geometry for positioning: metres, x to the right, y up the floor plan, z above the floor. */

/** `[xmin, ymin, xmax, ymax]` in metres, as the site file writes it. */
export type Bounds = readonly [number, number, number, number];

export interface Point2 {
  x: number;
  y: number;
}

export interface Point3 extends Point2 {
  z: number;
}

export function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function validBounds(b: Bounds | undefined): b is Bounds {
  return b !== undefined && b.every(isFiniteNumber) && b[0] < b[2] && b[1] < b[3];
}

export function insideBounds(p: Point2, b: Bounds, tolerance = 0): boolean {
  return (
    p.x >= b[0] - tolerance && p.x <= b[2] + tolerance && p.y >= b[1] - tolerance && p.y <= b[3] + tolerance
  );
}

export function clampToBounds(p: Point2, b: Bounds): Point2 {
  return { x: Math.min(b[2], Math.max(b[0], p.x)), y: Math.min(b[3], Math.max(b[1], p.y)) };
}

/** Distance from a point on the plane at height `z` to a point in space. */
export function distance3(p: Point2, z: number, s: Point3): number {
  return Math.hypot(p.x - s.x, p.y - s.y, z - s.z);
}

/**
 * The horizontal part of a slant range: a sensor at 2.3 m that hears a phone at 1.2 m from
 * 3 m away is sqrt(3² - 1.1²) from it along the floor. Never negative, never NaN.
 */
export function horizontalRange(range: number, dz: number): number {
  const h2 = range * range - dz * dz;
  return h2 > 0 ? Math.sqrt(h2) : 0;
}

/**
 * How far a set of points is from lying on one line: the smaller eigenvalue of their 2x2
 * scatter matrix over the larger (0 for collinear or coincident points, up to 1 for a round
 * spread). Trilateration needs it well above 0.
 */
export function spreadRatio(points: readonly Point2[]): number {
  const n = points.length;
  if (n < 2) return 0;
  let mx = 0;
  let my = 0;
  for (const p of points) {
    mx += p.x / n;
    my += p.y / n;
  }
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of points) {
    const dx = p.x - mx;
    const dy = p.y - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const tr = sxx + syy;
  if (tr <= 0) return 0;
  const disc = Math.sqrt(Math.max(0, ((sxx - syy) / 2) ** 2 + sxy * sxy));
  const hi = tr / 2 + disc;
  const lo = Math.max(0, tr / 2 - disc);
  return lo / hi;
}

/** Even-odd rule; a point on an edge may land either side. */
export function pointInPolygon(p: Point2, polygon: readonly (readonly [number, number])[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (yi > p.y !== yj > p.y && p.x < ((xj - xi) * (p.y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
