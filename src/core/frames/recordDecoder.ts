import type { Observation } from '../model.ts';
import { BLE_LINK_TYPES, decodeBleRecord } from './ble/linkLayer.ts';
import { observationFromBleFrame } from './bleObservation.ts';
import type { CaptureRecord } from './captureReader.ts';
import { decodeWifiRecord } from './wifiFrame.ts';

/** What one record became: an observation, a frame that names no present device (ACK, CTS, SCAN_REQ), or bad input. */
export type RecordOutcome =
  | { kind: 'observation'; observation: Observation }
  | { kind: 'no-transmitter'; hasRssi: boolean }
  | { kind: 'skipped'; reason: string; message: string };

const NO_TRANSMITTER_WITH_RSSI: RecordOutcome = { kind: 'no-transmitter', hasRssi: true };
const NO_TRANSMITTER_WITHOUT_RSSI: RecordOutcome = { kind: 'no-transmitter', hasRssi: false };
const BLE_LINK_TYPE_SET = new Set(BLE_LINK_TYPES);

function decodeBle(record: CaptureRecord, sensorId: string): RecordOutcome {
  const frame = decodeBleRecord(record.linkType, record.data);
  if (frame === undefined) return NO_TRANSMITTER_WITHOUT_RSSI; // a sniffer's own event, not a packet
  if ('error' in frame) return { kind: 'skipped', reason: frame.error, message: frame.message };
  if (frame.crcOk === false)
    return { kind: 'skipped', reason: 'bad-crc', message: 'BLE packet failed its CRC check' };
  const observation = observationFromBleFrame(frame, record.t, sensorId);
  if (observation === undefined)
    return frame.rssi === undefined ? NO_TRANSMITTER_WITHOUT_RSSI : NO_TRANSMITTER_WITH_RSSI;
  return { kind: 'observation', observation };
}

/**
 * Turns one capture record into an observation of the sensor that captured it. Link types are
 * dispatched here so every reader (file, stdin, live dumpcap) shares one decoding path.
 */
export function decodeRecord(record: CaptureRecord, sensorId: string): RecordOutcome {
  if (BLE_LINK_TYPE_SET.has(record.linkType)) return decodeBle(record, sensorId);
  const frame = decodeWifiRecord(record.linkType, record.data);
  if ('error' in frame) return { kind: 'skipped', reason: frame.error, message: frame.message };
  if (frame.badFcs) return { kind: 'skipped', reason: 'bad-fcs', message: 'frame failed its FCS check' };
  if (frame.transmitter === undefined) {
    return frame.rssi === undefined ? NO_TRANSMITTER_WITHOUT_RSSI : NO_TRANSMITTER_WITH_RSSI;
  }
  // Every observation gets the same fields in the same order (absent ones undefined), so the
  // windower's hot path sees one object shape.
  const observation: Observation = {
    t: record.t,
    sensorId,
    medium: 'wifi',
    mac: frame.transmitter,
    frameType: frame.frameType,
    rssi: frame.rssi,
    channel: frame.channel,
    freqMhz: frame.freqMhz,
    seq: frame.seq,
    ssid: frame.ssid,
    ieFingerprint: frame.ieFingerprint,
  };
  return { kind: 'observation', observation };
}
