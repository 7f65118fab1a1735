/**
 * The Device1 objects BlueZ has under the scanner's adapter, by object path, kept up to date from
 * GetManagedObjects and BlueZ's signals. What a property means is bluezDevice.ts's business; this
 * file only decides which object a set of properties belongs to.
 */
import { ADAPTER1, DEVICE1, unwrapProperties } from './bluezBus.ts';
import { newBluezDevice, updateBluezDevice, type BluezDevice } from './bluezDevice.ts';

export interface BluezDeviceUpdate {
  device: BluezDevice;
  /** The update shows an advertisement was just heard (see updateBluezDevice). */
  heard: boolean;
}

export class BluezDeviceTable {
  private readonly devices = new Map<string, BluezDevice>();

  /** `adapterPath` is `/org/bluez/hci0`: devices of other adapters are not ours. */
  constructor(private readonly adapterPath: string) {}

  /**
   * Starts over from a GetManagedObjects reply: records the devices BlueZ already has, and
   * returns the adapter's properties if the adapter exists.
   */
  seed(objects: Record<string, unknown>): Record<string, unknown> | undefined {
    this.devices.clear();
    let adapter: Record<string, unknown> | undefined;
    for (const [path, ifaces] of Object.entries(objects)) {
      const byInterface = ifaces as Record<string, unknown>;
      if (path === this.adapterPath && ADAPTER1 in byInterface)
        adapter = unwrapProperties(byInterface[ADAPTER1]);
      if (this.isOurs(path) && DEVICE1 in byInterface) {
        const device = newBluezDevice(path);
        // What BlueZ remembers is not what was heard: no RSSI from here counts.
        updateBluezDevice(device, unwrapProperties(byInterface[DEVICE1]));
        device.rssi = undefined;
        this.devices.set(path, device);
      }
    }
    return adapter;
  }

  /**
   * Applies changed and invalidated Device1 properties to the device at `path`, recording it if
   * it is new; undefined when `path` is not a device of this adapter.
   */
  update(
    path: string,
    changed: Record<string, unknown>,
    invalidated: string[],
  ): BluezDeviceUpdate | undefined {
    if (!this.isOurs(path)) return undefined;
    let device = this.devices.get(path);
    if (device === undefined) {
      device = newBluezDevice(path);
      this.devices.set(path, device);
    }
    return { device, heard: updateBluezDevice(device, changed, invalidated) };
  }

  /**
   * A Device1 object appeared (InterfacesAdded carries all its properties). It starts afresh:
   * a device BlueZ removed and heard again has the same path, and what it said before is stale.
   */
  replace(path: string, properties: Record<string, unknown>): BluezDeviceUpdate | undefined {
    if (!this.isOurs(path)) return undefined;
    this.devices.delete(path);
    return this.update(path, properties, []);
  }

  delete(path: string): void {
    this.devices.delete(path);
  }

  clear(): void {
    this.devices.clear();
  }

  /** A new scan, or none: RSSIs from before do not say who is here now. */
  forgetRssi(): void {
    for (const device of this.devices.values()) device.rssi = undefined;
  }

  private isOurs(path: string): boolean {
    return path.startsWith(`${this.adapterPath}/`);
  }
}
