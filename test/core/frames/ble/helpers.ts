/** Shared helpers for the BLE tests: fixture readers and the tshark oracle. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BtsnoopStreamReader, type BtsnoopRecord } from '../../../../src/core/frames/ble/btsnoop.ts';
import { CaptureStreamReader } from '../../../../src/core/frames/captureReader.ts';

export const FIXTURES = fileURLToPath(new URL('../../../fixtures/ble/', import.meta.url));
export const BTSNOOP_FIXTURE = FIXTURES + 'horizon74_btsnoop_hci.log';
export const NRF_FIXTURE = FIXTURES + 'iPhone_11-1_btle_sniffer_05-07-2020-122940.pcapng';
export const PHDR_FIXTURE = FIXTURES + 'le_secure_connections.pcapng';
export const PPI_FIXTURE = FIXTURES + 'pairing_and_ltk_exchange.pcap';

/** Bytes from a hex string; whitespace is ignored. */
export function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function readBtsnoop(path: string): BtsnoopRecord[] {
  const records: BtsnoopRecord[] = [];
  const reader = new BtsnoopStreamReader({
    onRecord: (r) => records.push(r),
    onProblem: (p) => {
      throw new Error(`${path}: ${p.reason}: ${p.message}`);
    },
  });
  reader.push(new Uint8Array(readFileSync(path)));
  reader.end();
  return records;
}

export interface CapturedRecord {
  /** 1-based, like tshark's frame.number. */
  frame: number;
  linkType: number;
  t: number;
  data: Uint8Array;
}

/** Every record of a pcap/pcapng file, copied out of the reader's buffers. */
export function readCapture(path: string): CapturedRecord[] {
  const records: CapturedRecord[] = [];
  const reader = new CaptureStreamReader({
    onRecord: (r) =>
      records.push({ frame: records.length + 1, linkType: r.linkType, t: r.t, data: r.data.slice() }),
    onProblem: (p) => {
      throw new Error(`${path}: ${p.reason}: ${p.message}`);
    },
  });
  reader.push(new Uint8Array(readFileSync(path)));
  reader.end();
  return records;
}

let tsharkChecked: boolean | undefined;

export function tsharkAvailable(): boolean {
  tsharkChecked ??= spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;
  return tsharkChecked;
}

/** tshark -T fields output as rows of columns. */
export function tsharkFields(
  file: string,
  filter: string,
  fields: string[],
  extra: string[] = [],
): string[][] {
  const args = [...extra, '-r', file, '-Y', filter, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])];
  const run = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`tshark failed: ${run.stderr}`);
  return run.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'));
}

export const SHARED_DATA = fileURLToPath(new URL('../../../../../shared/data/', import.meta.url));
export const sharedDataPresent = existsSync(SHARED_DATA);
