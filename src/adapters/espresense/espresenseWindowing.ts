import type { Observation, WindowSummary } from '../../core/model.ts';
import { vendorOfDevice } from '../../core/identity/vendor.ts';
import { redactAddressText } from '../../core/window/addressRedaction.ts';
import { Windower } from '../../core/window/windower.ts';
import type { EspresenseReport } from './espresenseMessages.ts';

export interface EspresenseWindowingOptions {
  /** Counting windows, as the site's sensors send them. */
  windowSeconds: number;
  /** Short windows for live positioning, when the hub locates. */
  positioning?: {
    windowSeconds: number;
    /**
     * The RSSI the hub's path-loss model expects for the node's own distance estimate, so the
     * locator reads back the node's (per-device calibrated) distance; undefined keeps the RSSI.
     */
    rssiAtDistance?: (sensorId: string, metres: number) => number | undefined;
  };
  onWindow(summary: WindowSummary): void;
}

/** Reports may reach the hub a little after their window's end (broker and node buffering). */
const LATENESS_SECONDS = 2;
/** ESPresense reports are one filtered reading each, not a frame: they count as one frame. */
const FRAME_TYPE = 'espresense';

/** Company names only: an ESPresense id is no address, so the IEEE registry has nothing to say. */
const NO_OUI = {};

/**
 * ESPresense reports grouped into the windows airtrace sensors send: one counting window per
 * node (sensor) and window, and short positioning windows. The device id arrives here already
 * keyed-hashed, so the windower's "address" is the hash itself and nothing raw is kept.
 */
export class EspresenseWindowing {
  private readonly counting: Windower;
  private readonly positioning: Windower | undefined;

  constructor(private readonly options: EspresenseWindowingOptions) {
    const common = {
      latenessSeconds: LATENESS_SECONDS,
      hashMac: (hashed: string) => hashed,
      vendorOf: (query: Parameters<typeof vendorOfDevice>[0]) => vendorOfDevice(query, NO_OUI),
      onWindow: (summary: WindowSummary) => options.onWindow(summary),
    };
    this.counting = new Windower({ ...common, windowSeconds: options.windowSeconds });
    this.positioning =
      options.positioning === undefined
        ? undefined
        : new Windower({
            ...common,
            windowSeconds: options.positioning.windowSeconds,
            purpose: 'positioning',
          });
  }

  /** One report of the device `hashedId` by the node that is `sensorId`, at `t` (Unix seconds). */
  add(sensorId: string, hashedId: string, report: Omit<EspresenseReport, 'id'>, t: number): void {
    const o: Observation = {
      t,
      sensorId,
      medium: 'ble',
      mac: hashedId,
      rssi: report.rssi,
      frameType: FRAME_TYPE,
    };
    if (report.name !== undefined) o.name = redactAddressText(report.name);
    if (report.companyId !== undefined) o.companyId = report.companyId;
    this.counting.add(o);
    if (this.positioning === undefined) return;
    const fromDistance =
      report.distance === undefined
        ? undefined
        : this.options.positioning?.rssiAtDistance?.(sensorId, Math.max(report.distance, 0.1));
    const rssi = fromDistance === undefined ? report.rssi : Math.min(0, Math.max(-150, fromDistance));
    this.positioning.add({ ...o, rssi });
  }

  /** The node listens at `t`: its window exists even when it hears nobody ("nobody around"). */
  touch(sensorId: string, t: number): void {
    this.counting.touch(sensorId, t);
  }

  /** Closes the windows that ended before `t` (less the lateness allowance). */
  advanceTo(t: number): void {
    this.counting.advanceTo(t);
    this.positioning?.advanceTo(t);
  }

  flush(): void {
    this.counting.flush();
    this.positioning?.flush();
  }
}
