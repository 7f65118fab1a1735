import { randomBytes } from 'node:crypto';
import { createNodeMacHasher } from '../../adapters/identity/nodeMacHasher.ts';
import { vendorOfDevice } from '../../core/identity/vendor.ts';
import type { WindowSummary } from '../../core/model.ts';
import { Windower } from '../../core/window/windower.ts';
import { loadOuiTable } from '../../adapters/identity/ouiTable.ts';

export interface SensorWindowerOptions {
  windowSeconds: number;
  /** Without one, a random key: ids are then only comparable within this run. */
  siteKey?: Uint8Array;
  latenessSeconds?: number;
  purpose?: 'positioning';
  onWindow: (summary: WindowSummary) => void;
}

/** The sensor's windower wired to the keyed hash and the vendor registries. */
export function createSensorWindower(options: SensorWindowerOptions): Windower {
  const oui = loadOuiTable();
  return new Windower({
    windowSeconds: options.windowSeconds,
    ...(options.latenessSeconds === undefined ? {} : { latenessSeconds: options.latenessSeconds }),
    ...(options.purpose === undefined ? {} : { purpose: options.purpose }),
    hashMac: createNodeMacHasher(options.siteKey ?? new Uint8Array(randomBytes(32))),
    vendorOf: (device) => vendorOfDevice(device, oui),
    onWindow: options.onWindow,
  });
}
