import type { MetricSample, SensorView } from '../../adapters/http/hubView.ts';
import type { SubscriberCounters } from '../../adapters/transport/transport.ts';
import { estimateOf } from '../../adapters/http/apiMapping.ts';
import type { WindowRow } from '../../adapters/storage/store.ts';
import type { StorageCounters } from './windowStorage.ts';

export interface HubFigures {
  storage: StorageCounters;
  transport: SubscriberCounters;
  refusedWindows: Readonly<Record<string, number>>;
  deadLetters: number;
  sensors: readonly SensorView[];
  untrackedSensors: number;
  framesReceived: number;
  lastWindowReceivedAt: number | null;
  /** The newest stored window, with its people estimate when there is one. */
  latestWindow?: WindowRow | undefined;
  /** Detectable devices per person, for the estimate without a counting model. */
  ratio?: number;
  now: number;
}

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

/** The site now: people and devices of the newest window (nothing before the first one). */
function siteFigures(w: WindowRow | undefined, ratio: number): MetricSample[] {
  if (w === undefined) return [];
  const people = w.people;
  const samples: MetricSample[] = [
    {
      name: 'airtrace_people',
      help: 'People estimated in the newest window (the counting model, or devices / ratio without one)',
      type: 'gauge',
      value:
        people === null
          ? estimateOf(w.wifiDevices + w.bluetoothDevices - w.bothDevices, ratio)
          : people.estimate,
    },
  ];
  if (people !== null)
    samples.push(
      {
        name: 'airtrace_people_low',
        help: "Lower end of the counting model's interval for the newest window",
        type: 'gauge',
        value: people.low,
      },
      {
        name: 'airtrace_people_high',
        help: "Upper end of the counting model's interval for the newest window",
        type: 'gauge',
        value: people.high,
      },
    );
  for (const [medium, value] of [
    ['wifi', w.wifiDevices],
    ['ble', w.bluetoothDevices],
  ] as const)
    samples.push({
      name: 'airtrace_window_devices',
      help: 'Devices heard in the newest window, by medium',
      type: 'gauge',
      value,
      labels: { medium },
    });
  samples.push({
    name: 'airtrace_window_start_timestamp_seconds',
    help: 'Start of the newest stored window, Unix seconds',
    type: 'gauge',
    value: w.windowStart,
  });
  return samples;
}

/** The hub's figures in Prometheus form: counters end in _total, no device in any label. */
export function hubMetrics(f: HubFigures): MetricSample[] {
  const samples: MetricSample[] = [
    {
      name: 'airtrace_frames_received_total',
      help: 'Frames counted by sensors in windows received by the hub',
      type: 'counter',
      value: f.framesReceived,
    },
    {
      name: 'airtrace_sensor_windows_received_total',
      help: 'Sensor windows received',
      type: 'counter',
      value: f.storage.sensorWindows,
    },
    {
      name: 'airtrace_sensor_windows_stored_total',
      help: 'Sensor windows stored',
      type: 'counter',
      value: f.storage.stored,
    },
    {
      name: 'airtrace_sensor_windows_duplicate_total',
      help: 'Sensor windows received again and ignored',
      type: 'counter',
      value: f.storage.duplicates,
    },
    {
      name: 'airtrace_window_write_failures_total',
      help: 'Window writes that failed (the window is offered again)',
      type: 'counter',
      value: f.storage.failures,
    },
    {
      name: 'airtrace_windows_dead_letter_total',
      help: 'Windows set aside because they could not be stored however often they were tried',
      type: 'counter',
      value: f.deadLetters,
    },
    {
      name: 'airtrace_sensors_online',
      help: 'Sensors heard within three windows',
      type: 'gauge',
      value: f.sensors.filter((s) => s.online).length,
    },
    {
      name: 'airtrace_sensors_known',
      help: 'Sensors that sent a valid window since the hub started (at most the tracked bound)',
      type: 'gauge',
      value: f.sensors.length,
    },
    {
      name: 'airtrace_untracked_sensor_windows_total',
      help: 'Windows from sensors beyond the tracked bound (stored, not listed)',
      type: 'counter',
      value: f.untrackedSensors,
    },
    {
      name: 'airtrace_ingest_lag_seconds',
      help: 'Seconds since the hub last received a window',
      type: 'gauge',
      value: f.lastWindowReceivedAt === null ? NaN : f.now - f.lastWindowReceivedAt,
    },
    {
      name: 'airtrace_transport_messages_rejected_total',
      help: 'Transport messages refused (malformed, oversized, wrong schema)',
      type: 'counter',
      value: sum(Object.values(f.transport.rejected)),
    },
    {
      name: 'airtrace_transport_handler_failures_total',
      help: 'Windows the hub could not take yet (left for redelivery)',
      type: 'counter',
      value: f.transport.handlerFailures,
    },
    {
      name: 'airtrace_transport_connects_total',
      help: 'Connections made to the broker (in-process: 1)',
      type: 'counter',
      value: f.transport.connects,
    },
  ];
  samples.push(...siteFigures(f.latestWindow, f.ratio ?? 1));
  for (const [reason, n] of Object.entries(f.transport.rejected)) {
    samples.push({
      name: 'airtrace_transport_messages_rejected_by_reason_total',
      help: 'Transport messages refused, by reason',
      type: 'counter',
      value: n,
      labels: { reason },
    });
  }
  for (const [reason, n] of Object.entries(f.refusedWindows)) {
    samples.push({
      name: 'airtrace_windows_refused_total',
      help: 'Windows refused by the hub, by reason',
      type: 'counter',
      value: n,
      labels: { reason },
    });
  }
  for (const s of f.sensors) {
    if (s.outboxDepth !== null) {
      samples.push({
        name: 'airtrace_sensor_outbox_depth',
        help: "Windows waiting in a sensor's outbox, as its last status said",
        type: 'gauge',
        value: s.outboxDepth,
        labels: { sensor: s.id },
      });
    }
    if (s.bleRestarts !== null) {
      samples.push({
        name: 'airtrace_sensor_ble_discovery_restarts_total',
        help: "Times the sensor's watchdog restarted BLE discovery that had gone silent, since the sensor started",
        type: 'counter',
        value: s.bleRestarts,
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
  return samples;
}
