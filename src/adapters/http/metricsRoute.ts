import type { FastifyInstance } from 'fastify';
import type { Hub, MetricSample } from '../../app/hub/hub.ts';

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

export function hubMetrics(hub: Hub, now: number): MetricSample[] {
  const sensors = hub.sensorStates();
  const { sensorWindows, stored, duplicates } = hub.ingest.counters;
  const samples: MetricSample[] = [
    {
      name: 'airtrace_frames_received_total',
      help: 'Frames counted by sensors in windows received by the hub',
      type: 'counter',
      value: hub.framesReceived,
    },
    {
      name: 'airtrace_sensor_windows_received_total',
      help: 'Sensor windows received',
      type: 'counter',
      value: sensorWindows,
    },
    {
      name: 'airtrace_sensor_windows_stored_total',
      help: 'Sensor windows stored',
      type: 'counter',
      value: stored,
    },
    {
      name: 'airtrace_sensor_windows_duplicate_total',
      help: 'Sensor windows received again and ignored',
      type: 'counter',
      value: duplicates,
    },
    {
      name: 'airtrace_sensors_online',
      help: 'Sensors heard within three windows',
      type: 'gauge',
      value: sensors.filter((s) => hub.isOnline(s)).length,
    },
    {
      name: 'airtrace_sensors_known',
      help: 'Sensors ever heard since the hub started',
      type: 'gauge',
      value: sensors.length,
    },
    {
      name: 'airtrace_ingest_lag_seconds',
      help: 'Seconds since the hub last received a window',
      type: 'gauge',
      value: hub.lastWindowReceivedAt === null ? NaN : now - hub.lastWindowReceivedAt,
    },
  ];
  for (const [reason, n] of Object.entries(hub.rejectedWindows)) {
    samples.push({
      name: 'airtrace_windows_refused_total',
      help: 'Windows refused for their timing',
      type: 'counter',
      value: n,
      labels: { reason },
    });
  }
  for (const s of sensors) {
    if (s.outboxDepth !== null) {
      samples.push({
        name: 'airtrace_sensor_outbox_depth',
        help: "Windows waiting in a sensor's outbox, as its last status said",
        type: 'gauge',
        value: s.outboxDepth,
        labels: { sensor: s.id },
      });
    }
    samples.push({
      name: 'airtrace_sensor_scanning',
      help: 'Whether the sensor is scanning now',
      type: 'gauge',
      value: s.scanning ? 1 : 0,
      labels: { sensor: s.id },
    });
  }
  return [...samples, ...hub.extraMetrics()];
}

export function registerMetricsRoute(app: FastifyInstance, hub: Hub): void {
  app.get('/metrics', async (_request, reply) =>
    reply
      .type('text/plain; version=0.0.4; charset=utf-8')
      .send(renderMetrics(hubMetrics(hub, Date.now() / 1000))),
  );
}
