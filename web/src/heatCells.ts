import { html } from 'htm/preact';
import type { ApiHeatmap } from './api.ts';

/** The heat map's non-empty cells, darker with more fixes, in site metres (drawn at -y). */
export function HeatCells({ heat, unit }: { heat: ApiHeatmap; unit: number }) {
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
