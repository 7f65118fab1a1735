import { z } from 'zod';
import { isTimeZone } from '../core/history/calendar.ts';
import { DEFAULT_VISITOR_THRESHOLDS, thresholdProblem } from '../core/history/visitBins.ts';
import { listZodIssues, type ConfigIssue } from './configIssues.ts';

/**
 * The one config file of `airtrace run`, `sensor` and `hub` (YAML or JSON). Flags override it.
 * Every field has a default, so an empty file is a valid one-Pi setup on wlan0mon.
 */
const wifi = z.strictObject({
  interface: z.string().min(1).default('wlan0mon'),
  /** dumpcap (default) or tshark, as the original tracker ran. */
  tool: z.enum(['dumpcap', 'tshark']).default('dumpcap'),
  /** Ask the capture tool to switch the interface to monitor mode (-I). */
  monitorMode: z.boolean().default(true),
  /** Channels to hop over; one channel (or none) means stay. */
  channels: z.array(z.number().int().min(1).max(233)).default([]),
  dwellMs: z.number().int().min(50).default(250),
});

const bluetooth = z.strictObject({
  enabled: z.boolean().default(false),
  /** BlueZ adapter, e.g. hci0. */
  adapter: z.string().min(1).default('hci0'),
  /**
   * Seconds of scanning without one advertisement after which discovery is restarted (BlueZ on
   * Pis is known to go silent without an error); 0 turns the watchdog off.
   */
  watchdogSeconds: z.number().min(0).default(300),
});

const scan = z.strictObject({
  /** Seconds of capture at the start of each period; equal to the period means continuous. */
  scanSeconds: z.number().positive().default(60),
  periodSeconds: z.number().positive().default(60),
});

const sensor = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - only')
    .default('pi'),
  wifi: wifi.nullable().default(() => wifi.parse({})),
  bluetooth: bluetooth.default(() => bluetooth.parse({})),
  scan: scan.default(() => scan.parse({})),
});

const http = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8050),
  token: z.string().min(8).optional(),
});

/** The host's time zone: a Pi set up where it stands reports its venue's. */
function hostTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const history = z.strictObject({
  /** IANA time zone of the venue's hours and days (rollups, busiest hours, reports). */
  timeZone: z.string().refine(isTimeZone, 'not a time zone this system knows').default(hostTimeZone),
  /** A visitor stayed at least this many minutes in a day... */
  visitorMinutes: z.number().default(DEFAULT_VISITOR_THRESHOLDS.minDwellMinutes),
  /** ...and came this close (strongest RSSI, dBm); everyone else passed by. */
  visitorRssi: z.number().default(DEFAULT_VISITOR_THRESHOLDS.minRssi),
});

const hub = z.strictObject({
  /** SQLite file path, or a postgres:// URL. */
  db: z.string().min(1).default('airtrace.db'),
  http: http.default(() => http.parse({})),
  /** Detectable people per person (the original tracker's ratio). */
  ratio: z.number().gt(0).max(1).default(0.7),
  /**
   * People counting: 'default' (the model fitted on the brno lab recordings), a file written by
   * `airtrace count --fit`, or 'off' (devices / ratio only).
   */
  counting: z.string().min(1).default('default'),
  /** A site file (sensor coordinates, floor, calibration): turns on live positioning. */
  siteFile: z.string().min(1).optional(),
  /**
   * Days of raw data kept (sightings, windows, positions, per-device days); device rows not seen
   * for this long go too. Hour and day rollups are kept forever. 0 keeps everything. The default
   * fits a Pi's SD card: see "History and retention" in the README for megabytes per day.
   */
  retentionDays: z.number().min(0).default(30),
  history: history.default(() => history.parse({})),
  /**
   * Windows that start longer ago than this are refused (a sensor's outbox keeps 7 days; older
   * means a broken clock). Within the retention, when there is one.
   */
  maxWindowAgeDays: z.number().gt(0).default(30),
});

const mqtt = z.strictObject({
  url: z.string().regex(/^(mqtts?|wss?|tcp|ssl):\/\//, 'an mqtt://, mqtts://, ws:// or wss:// URL'),
  username: z.string().optional(),
  password: z.string().optional(),
  topicPrefix: z.string().min(1).default('airtrace'),
  /** Sharing the subscription over several connections lets the hub merge sensors' windows in one transaction. */
  hubConnections: z.number().int().min(1).max(16).default(1),
  tls: z
    .strictObject({
      /** Paths of PEM files. */
      ca: z.string().optional(),
      cert: z.string().optional(),
      key: z.string().optional(),
      rejectUnauthorized: z.boolean().default(true),
    })
    .optional(),
});

const positioning = z.strictObject({
  /** Sensors also send short windows for live positioning; the hub locates with hub.siteFile. */
  enabled: z.boolean().default(false),
  windowSeconds: z.number().min(0.5).max(60).default(2),
  /** A method that answers at once: wnls, wnls+kalman, grid, grid-filter, knn, survey-filter, ... */
  method: z.string().optional(),
});

/** MQTT topics Home Assistant and ESPresense use: no wildcards, no empty levels. */
const topicPrefix = z
  .string()
  .regex(/^[^+#\0]+$/, 'a topic prefix without +, # or NUL')
  .refine((t) => !t.split('/').includes(''), {
    message: 'no empty topic levels (leading, trailing or double /)',
  });

const homeAssistant = z.strictObject({
  /** Publish Home Assistant MQTT discovery configs and states on the mqtt broker. */
  enabled: z.boolean().default(false),
  /** Home Assistant's discovery prefix (its MQTT integration setting). */
  discoveryPrefix: topicPrefix.default('homeassistant'),
  /** Where Home Assistant says `online` when it (re)starts; default `<discoveryPrefix>/status`. */
  statusTopic: topicPrefix.optional(),
});

const espresense = z.strictObject({
  /** Take ESPresense nodes' device reports as sensor readings; rooms map to sensors in hub.siteFile. */
  enabled: z.boolean().default(false),
  /** ESPresense's base topic: reports on `<prefix>/devices/+/+`, node status on `<prefix>/rooms/+/status`. */
  topicPrefix: topicPrefix.default('espresense'),
});

export const configSchema = z.strictObject({
  site: z
    .strictObject({
      /** Short id used in MQTT topics; sensors and the hub of one site share it. */
      id: z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - only')
        .default('default'),
      name: z.string().min(1).default('airtrace'),
      /** Hex site key shared by sensors that must hash alike; default: generated in dataDir. */
      key: z
        .string()
        .regex(/^([0-9a-fA-F]{2}){16,}$/, 'at least 32 hex digits')
        .optional(),
    })
    .default(() => ({ id: 'default', name: 'airtrace' })),
  /** Where the site key, the sensor outbox and saved exports live. */
  dataDir: z.string().min(1).default('airtrace-data'),
  windowSeconds: z.number().min(5).max(3600).default(60),
  sensor: sensor.default(() => sensor.parse({})),
  hub: hub.default(() => hub.parse({})),
  mqtt: mqtt.optional(),
  positioning: positioning.default(() => positioning.parse({})),
  homeAssistant: homeAssistant.default(() => homeAssistant.parse({})),
  espresense: espresense.default(() => espresense.parse({})),
});

export type AirtraceConfig = z.infer<typeof configSchema>;

const HINTS: [RegExp, string][] = [
  [/^sensor\.wifi\.interface$/, 'the monitor-mode interface, e.g. wlan0mon (see `iw dev`)'],
  [/^sensor\.wifi\.channels/, 'a list of channel numbers, e.g. [1, 6, 11]'],
  [/^sensor\.scan/, 'seconds, e.g. scanSeconds: 10 and periodSeconds: 60 for the original duty cycle'],
  [/^hub\.http\.token$/, 'at least 8 characters'],
  [/^hub\.ratio$/, 'a share between 0 and 1, e.g. 0.7 detectable people per person'],
  [/^mqtt\.url$/, 'e.g. mqtt://broker.local:1883'],
  [/^site\.key$/, 'generate one with `openssl rand -hex 32`'],
  [/^homeAssistant\.discoveryPrefix$/, "Home Assistant's MQTT discovery prefix, normally homeassistant"],
  [/^espresense\.topicPrefix$/, 'the base topic ESPresense publishes under, normally espresense'],
  [
    /^hub\.history\.timeZone$/,
    'an IANA name like Europe/Prague or America/New_York (timedatectl list-timezones)',
  ],
];

function hintFor(path: string, code: string): string {
  if (code === 'unrecognized_keys')
    return 'remove it or fix its spelling (airtrace run --help shows the format)';
  return HINTS.find(([pattern]) => pattern.test(path))?.[1] ?? 'see the configuration section of the README';
}

export type ConfigResult = { ok: true; config: AirtraceConfig } | { ok: false; issues: ConfigIssue[] };

/** Checks a parsed config file; returns every problem at once, never only the first. */
export function validateConfig(input: unknown): ConfigResult {
  const parsed = configSchema.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, issues: listZodIssues(parsed.error, hintFor) };
  const config = parsed.data;
  const issues: ConfigIssue[] = [];
  const { scanSeconds, periodSeconds } = config.sensor.scan;
  if (
    scanSeconds < periodSeconds &&
    config.windowSeconds % periodSeconds !== 0 &&
    periodSeconds % config.windowSeconds !== 0
  ) {
    issues.push({
      path: 'sensor.scan.periodSeconds',
      message: `a ${periodSeconds} s scan period does not line up with ${config.windowSeconds} s windows`,
      hint: 'make one a multiple of the other',
    });
  }
  const { visitorMinutes, visitorRssi } = config.hub.history;
  const visitorProblem = thresholdProblem({ minDwellMinutes: visitorMinutes, minRssi: visitorRssi });
  if (visitorProblem !== undefined) {
    issues.push({
      path: visitorProblem.includes('dwell') ? 'hub.history.visitorMinutes' : 'hub.history.visitorRssi',
      message: visitorProblem,
      hint: 'the dwell histogram is kept at these edges, so any of them works for the whole history',
    });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, config };
}
