/** Fixes counted per cell of a grid over the floor; row 0 is the strip at ymin. */
export interface Heatmap {
  cell: number;
  bounds: readonly [number, number, number, number];
  columns: number;
  rows: number;
  counts: number[];
  max: number;
}

/** At most this many cells, whatever cell size is asked for: a floor plan, not an image. */
const MAX_CELLS = 40_000;

export function heatmapOf(
  points: readonly { x: number; y: number }[],
  bounds: readonly [number, number, number, number],
  requestedCell: number,
): Heatmap {
  const [xmin, ymin, xmax, ymax] = bounds;
  const width = Math.max(xmax - xmin, 1e-9);
  const height = Math.max(ymax - ymin, 1e-9);
  const cell = Math.max(requestedCell, Math.sqrt((width * height) / MAX_CELLS));
  const columns = Math.max(1, Math.ceil(width / cell));
  const rows = Math.max(1, Math.ceil(height / cell));
  const counts = new Array<number>(columns * rows).fill(0);
  let max = 0;
  for (const p of points) {
    if (!(p.x >= xmin && p.x <= xmax && p.y >= ymin && p.y <= ymax)) continue;
    const column = Math.min(columns - 1, Math.floor((p.x - xmin) / cell));
    const row = Math.min(rows - 1, Math.floor((p.y - ymin) / cell));
    const n = ++counts[row * columns + column]!;
    if (n > max) max = n;
  }
  return { cell, bounds, columns, rows, counts, max };
}
