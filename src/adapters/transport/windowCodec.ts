import { z } from 'zod';
import type { WindowSummary } from '../../core/model.ts';

/**
 * The wire format of the MQTT transport: UTF-8 JSON with a schema version, checked field by
 * field on the hub. Whatever a broker hands over is untrusted bytes: decoding returns a typed
 * rejection instead of throwing, so the hub counts it and reads on.
 *
 * Window: `{"schema":1,"window":WindowSummary}`. Status (retained, and the last will):
 * `{"schema":1,"online":true,"scanning":false,"at":1666083180.5}`, or `{"schema":1,"online":false}`.
 */
export const WIRE_SCHEMA = 1;
/** Larger messages are refused on both ends: about 3,000 devices heard by one sensor in one window. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export type RejectReason = 'oversized' | 'bad-utf8' | 'bad-json' | 'schema-version' | 'invalid' | 'empty';

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
  /** Windows waiting in the sensor's outbox for the broker's acknowledgement. */
  outboxDepth?: number;
}

const count = z.number().int().nonnegative();
const text = z.string().max(4096);

const rssiSchema = z.object({
  count,
  mean: z.number(),
  std: z.number().nonnegative(),
  min: z.number(),
  max: z.number(),
});

const deviceSchema = z.object({
  deviceId: z.string().min(1).max(128),
  medium: z.enum(['wifi', 'ble']),
  randomized: z.boolean(),
  vendor: text.nullable(),
  frames: count,
  rssi: rssiSchema.nullable(),
  ssids: z.array(text),
  frameTypes: z.record(z.string().max(64), count),
  ieFingerprints: z.array(text),
  channels: z.array(z.number().int()),
  firstSeen: z.number(),
  lastSeen: z.number(),
  seqFirst: z.number().int().min(0).max(4095).optional(),
  seqLast: z.number().int().min(0).max(4095).optional(),
  addressType: z
    .enum(['public', 'random-static', 'resolvable-private', 'non-resolvable-private', 'random'])
    .optional(),
  name: text.optional(),
});

const windowSchema: z.ZodType<WindowSummary> = z
  .object({
    schema: z.literal(1),
    purpose: z.literal('positioning').optional(),
    sensorId: z.string().min(1).max(128),
    windowStart: z.number(),
    windowEnd: z.number(),
    frames: count,
    framesWithRssi: count,
    devices: z.array(deviceSchema),
  })
  .refine((w) => w.windowEnd > w.windowStart, { message: 'windowEnd must be after windowStart' });

const statusSchema = z.object({
  online: z.boolean(),
  scanning: z.boolean().optional(),
  at: z.number().optional(),
  outboxDepth: count.optional(),
});

const utf8 = new TextDecoder('utf-8', { fatal: true });

function reject(reason: RejectReason, message: string): Rejected {
  return { ok: false, reason, message };
}

/** Size, UTF-8, JSON and schema version: the checks every message passes before its body. */
function openEnvelope(bytes: Uint8Array, maxBytes: number): Decoded<Record<string, unknown>> {
  if (bytes.length === 0) return reject('empty', 'empty message');
  if (bytes.length > maxBytes)
    return reject('oversized', `message of ${bytes.length} bytes is over ${maxBytes}`);
  let textValue: string;
  try {
    textValue = utf8.decode(bytes);
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

export function encodeWindow(summary: WindowSummary): string {
  return JSON.stringify({ schema: WIRE_SCHEMA, window: summary });
}

export function decodeWindow(bytes: Uint8Array, maxBytes = MAX_MESSAGE_BYTES): Decoded<WindowSummary> {
  const envelope = openEnvelope(bytes, maxBytes);
  if (!envelope.ok) return envelope;
  const result = windowSchema.safeParse(envelope.value['window']);
  if (!result.success) return reject('invalid', `window: ${describeIssues(result.error)}`);
  return { ok: true, value: result.data };
}

export function encodeStatus(status: WireStatus): string {
  return JSON.stringify({ schema: WIRE_SCHEMA, ...status });
}

export function decodeStatus(bytes: Uint8Array, maxBytes = MAX_MESSAGE_BYTES): Decoded<WireStatus> {
  const envelope = openEnvelope(bytes, maxBytes);
  if (!envelope.ok) return envelope;
  const result = statusSchema.safeParse(envelope.value);
  if (!result.success) return reject('invalid', `status: ${describeIssues(result.error)}`);
  return { ok: true, value: result.data };
}
