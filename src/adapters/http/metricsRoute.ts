import type { FastifyInstance } from 'fastify';
import type { HubView, MetricSample } from './hubView.ts';

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** Prometheus text exposition format 0.0.4: HELP and TYPE once per name, then the samples. */
export function renderMetrics(samples: readonly MetricSample[]): string {
  const lines: string[] = [];
  const described = new Set<string>();
  for (const s of samples) {
    if (!described.has(s.name)) {
      described.add(s.name);
      lines.push(`# HELP ${s.name} ${s.help}`, `# TYPE ${s.name} ${s.type}`);
    }
    const labels = Object.entries(s.labels ?? {});
    const labelText =
      labels.length === 0 ? '' : `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
    lines.push(`${s.name}${labelText} ${Number.isFinite(s.value) ? s.value : 'NaN'}`);
  }
  return `${lines.join('\n')}\n`;
}

export function registerMetricsRoute(app: FastifyInstance, hub: HubView): void {
  app.get('/metrics', async (_request, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(renderMetrics(hub.metrics())),
  );
}
