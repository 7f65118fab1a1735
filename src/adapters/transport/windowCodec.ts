import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import type { WindowSummary } from '../../core/model.ts';

/**
 * The wire format of the MQTT transport: UTF-8 JSON with a schema version, checked field by
 * field (every number in its range) on the hub. Whatever a broker hands over is untrusted bytes:
 * decoding returns a typed rejection instead of throwing, so the hub counts it and reads on.
 *
 * Window: `{"schema":1,"window":WindowSummary}`, gzipped when large (the gzip magic bytes 1f 8b
 * are the content flag: JSON never starts with them). Status (retained, and the last will):
 * `{"schema":1,"online":true,"scanning":false,"at":1666083180.5}`, or `{"schema":1,"online":false}`.
 * Acknowledgement from the hub to one sensor: `{"schema":1,"windowStart":1666083180,"status":"stored"}`.
 * Hub status (retained, and the hub's last will): `{"schema":1,"online":true,"at":...}`.
 */
export const WIRE_SCHEMA = 1;
/**
 * Largest message on the wire, both ends. A gzipped window of 100,000 devices is about 10 MB:
 * more than any sensor can hear in a minute, so no real window is ever refused for its size.
 */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
/** Largest window once unzipped: a small gzip bomb must not take the hub's memory. */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;
/** Windows whose JSON is larger than this travel gzipped. */
export const COMPRESS_ABOVE_BYTES = 16 * 1024;

export type RejectReason =
  'oversized' | 'bad-gzip' | 'bad-utf8' | 'bad-json' | 'schema-version' | 'invalid' | 'empty';

export interface Rejected {
  ok: false;
  reason: RejectReason;
  /** One line for a log: what was wrong, never the payload itself. */
  message: string;
}

export type Decoded<T> = { ok: true; value: T } | Rejected;

export interface WireStatus {
  online: boolean;
  scanning?: boolean;
  /** Absent in the last will, which the broker sends long after it was written. */
  at?: number;
  /** Windows waiting in the sensor's outbox for the hub's acknowledgement. */
  outboxDepth?: number;
  /** Windows the sensor could not send or the hub refused, since it started. */
  refused?: number;
  /** BLE discovery restarts by the sensor's watchdog, since it started. */
  bleRestarts?: number;
}

/** What became of one window at the hub. */
export type WindowOutcomeStatus = 'stored' | 'duplicate' | 'refused' | 'dead-letter';

export interface WireAck {
  windowStart: number;
  status: WindowOutcomeStatus;
  /** Why a window was refused or set aside. */
  reason?: string;
}

export interface WireHubStatus {
  online: boolean;
  at?: number;
}

/** Counters are 32-bit in every store; a sensor window holds far fewer than 2^31 frames. */
const count = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** 31 - 1);
/** No NUL: PostgreSQL text cannot hold it, and no name or SSID as displayed has one. */
const text = z
  .string()
  .max(4096)
  .refine((t) => !t.includes('\u0000'), { message: 'text must not contain NUL' });
/** Unix seconds from 1970 to the year 2286: anything else is a broken clock or a forged message. */
const time = z.number().min(0).max(1e10);
/** dBm as radios report it: a received level is never positive, and -150 is below any noise floor. */
const dbm = z.number().min(-150).max(0);
/** Devices whose frames straggle in are kept this far outside their window. */
const DEVICE_TIME_SLACK_SECONDS = 10;

const rssiSchema = z
  .object({
    count,
    mean: dbm,
    std: z.number().nonnegative().max(200),
    min: dbm,
    max: dbm,
  })
  .refine((r) => r.min <= r.mean + 1e-9 && r.mean <= r.max + 1e-9, { message: 'min <= mean <= max' });

const deviceSchema = z
  .object({
    deviceId: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII'),
    medium: z.enum(['wifi', 'ble']),
    randomized: z.boolean(),
    vendor: text.nullable(),
    frames: count,
    rssi: rssiSchema.nullable(),
    ssids: z.array(text).max(256),
    frameTypes: z.record(z.string().max(64), count),
    ieFingerprints: z.array(text).max(256),
    channels: z.array(z.number().int().min(0).max(255)).max(256),
    firstSeen: time,
    lastSeen: time,
    seqFirst: z.number().int().min(0).max(4095).optional(),
    seqLast: z.number().int().min(0).max(4095).optional(),
    addressType: z
      .enum(['public', 'random-static', 'resolvable-private', 'non-resolvable-private', 'random'])
      .optional(),
    name: text.optional(),
  })
  .refine((d) => d.firstSeen <= d.lastSeen, { message: 'firstSeen must not be after lastSeen' });

const windowSchema: z.ZodType<WindowSummary> = z
  .object({
    schema: z.literal(1),
    purpose: z.literal('positioning').optional(),
    sensorId: text.pipe(z.string().min(1).max(128)),
    windowStart: time,
    windowEnd: time,
    frames: count,
    framesWithRssi: count,
    devices: z.array(deviceSchema).max(1_000_000),
  })
  .refine((w) => w.windowEnd > w.windowStart, { message: 'windowEnd must be after windowStart' })
  .refine((w) => w.framesWithRssi <= w.frames, { message: 'framesWithRssi must not exceed frames' })
  .refine(
    (w) =>
      w.devices.every(
        (d) =>
          d.firstSeen >= w.windowStart - DEVICE_TIME_SLACK_SECONDS &&
          d.lastSeen <= w.windowEnd + DEVICE_TIME_SLACK_SECONDS,
      ),
    { message: "every device's times must lie in its window" },
  );

const statusSchema = z.object({
  online: z.boolean(),
  scanning: z.boolean().optional(),
  at: time.optional(),
  outboxDepth: count.optional(),
  refused: count.optional(),
  bleRestarts: count.optional(),
});

const ackSchema = z.object({
  windowStart: time,
  status: z.enum(['stored', 'duplicate', 'refused', 'dead-letter']),
  reason: z.string().max(512).optional(),
});

const hubStatusSchema = z.object({ online: z.boolean(), at: time.optional() });

const utf8 = new TextDecoder('utf-8', { fatal: true });

function reject(reason: RejectReason, message: string): Rejected {
  return { ok: false, reason, message };
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Size, gzip, UTF-8, JSON and schema version: the checks every message passes before its body. */
function openEnvelope(bytes: Uint8Array, maxBytes: number): Decoded<Record<string, unknown>> {
  if (bytes.length === 0) return reject('empty', 'empty message');
  if (bytes.length > maxBytes)
    return reject('oversized', `message of ${bytes.length} bytes is over ${maxBytes}`);
  let raw = bytes;
  if (isGzip(bytes)) {
    try {
      raw = gunzipSync(bytes, { maxOutputLength: MAX_JSON_BYTES });
    } catch (error) {
      return reject('bad-gzip', `message is not readable gzip (${(error as Error).message.slice(0, 80)})`);
    }
  }
  let textValue: string;
  try {
    textValue = utf8.decode(raw);
  } catch {
    return reject('bad-utf8', 'message is not UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(textValue);
  } catch (error) {
    return reject('bad-json', `message is not JSON (${(error as Error).message.slice(0, 80)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return reject('invalid', 'message is not a JSON object');
  }
  const envelope = parsed as Record<string, unknown>;
  if (envelope['schema'] !== WIRE_SCHEMA) {
    return reject(
      'schema-version',
      `schema ${JSON.stringify(envelope['schema'])?.slice(0, 20)} is not ${WIRE_SCHEMA}`,
    );
  }
  return { ok: true, value: envelope };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

function decodeWith<T>(
  schema: z.ZodType<T>,
  what: string,
  pick: (envelope: Record<string, unknown>) => unknown,
): (bytes: Uint8Array, maxBytes?: number) => Decoded<T> {
  return (bytes, maxBytes = MAX_MESSAGE_BYTES) => {
    const envelope = openEnvelope(bytes, maxBytes);
    if (!envelope.ok) return envelope;
    const result = schema.safeParse(pick(envelope.value));
    if (!result.success) return reject('invalid', `${what}: ${describeIssues(result.error)}`);
    return { ok: true, value: result.data };
  };
}

/** The window as JSON text (what the sensor's outbox keeps). */
export function encodeWindow(summary: WindowSummary): string {
  return JSON.stringify({ schema: WIRE_SCHEMA, window: summary });
}

/** The bytes that go on the wire for a message's JSON text: gzipped when large. */
export function wirePayload(json: string): Buffer {
  const plain = Buffer.from(json, 'utf8');
  return plain.length > COMPRESS_ABOVE_BYTES ? gzipSync(plain, { level: 6 }) : plain;
}

export const decodeWindow = decodeWith(windowSchema, 'window', (e) => e['window']);

/**
 * The start of a window message the hub refuses, when it can still be read, so the sensor can
 * be told (and stop sending it); undefined for bytes that are not even a JSON envelope.
 */
export function peekWindowStart(bytes: Uint8Array, maxBytes = MAX_MESSAGE_BYTES): number | undefined {
  const envelope = openEnvelope(bytes, maxBytes);
  const window = envelope.ok ? envelope.value['window'] : undefined;
  const start =
    typeof window === 'object' && window !== null
      ? (window as Record<string, unknown>)['windowStart']
      : undefined;
  return typeof start === 'number' && Number.isFinite(start) ? start : undefined;
}

export function encodeStatus(status: WireStatus): string {
  return JSON.stringify({ schema: WIRE_SCHEMA, ...status });
}

export const decodeStatus = decodeWith(statusSchema, 'status', (e) => e);

export function encodeAck(ack: WireAck): string {
  return JSON.stringify({ schema: WIRE_SCHEMA, ...ack });
}

export const decodeAck = decodeWith(ackSchema, 'ack', (e) => e);

export function encodeHubStatus(status: WireHubStatus): string {
  return JSON.stringify({ schema: WIRE_SCHEMA, ...status });
}

export const decodeHubStatus = decodeWith(hubStatusSchema, 'hub status', (e) => e);
