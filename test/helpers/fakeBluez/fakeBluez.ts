/**
 * A stand-in `org.bluez` on a private bus, built with dbus-next's service API. It behaves like
 * bluetoothd where the scanner can tell: an ObjectManager at `/` (GetManagedObjects,
 * InterfacesAdded, InterfacesRemoved), an Adapter1 with Powered and Discovering, per-client
 * discovery calls, Device1 objects created when first heard during discovery (with their RSSI),
 * PropertiesChanged carrying only what changed (an advertisement with the same RSSI and data
 * signals nothing), RSSI invalidated when discovery stops, reports ignored when not discovering,
 * and an adapter that can be unplugged and plugged back in.
 *
 * Every method call is logged with the time of the injected clock (fakeCallLog.ts), so tests can
 * check when the scanner started and stopped discovery. The objects live in fakeAdapter.ts,
 * fakeDevice.ts and fakeObjectManager.ts; what an advertisement changes, in fakeAdvertisement.ts.
 */
import { DBusError, sessionBus, type MessageBus } from 'dbus-next';
import { allowIntegerDictKeys } from './dbusNextPatch.ts';
import { ADAPTER1, newFakeAdapter, type AdapterOwner, type FakeAdapter1 } from './fakeAdapter.ts';
import { advertisedValues, advertisementChanges, type FakeAdvertisement } from './fakeAdvertisement.ts';
import { FakeCallLog, type FakeCall } from './fakeCallLog.ts';
import { DEVICE1, fakeDevicePath, newFakeDevice, type FakeDevice1 } from './fakeDevice.ts';
import { FakeObjectManager, type ObjectManagerOwner } from './fakeObjectManager.ts';
import { bytesDict, interfaceNamesOf, type InterfacesAndProperties, type Values } from './fakeProperties.ts';

// ManufacturerData is `a{qv}`: dbus-next cannot send integer dictionary keys without this.
allowIntegerDictKeys();

export interface FakeBluezOptions {
  now: () => number;
  adapter?: string;
  /** Fake adapter address (it never appears in the scanner's output either). */
  adapterAddress?: string;
}

export class FakeBluez implements AdapterOwner, ObjectManagerOwner {
  /**
   * Set by SetDiscoveryFilter: BlueZ then signals ManufacturerData and ServiceData for every
   * advertisement that carries them, changed or not (doc/org.bluez.Adapter.rst).
   */
  duplicateData = false;
  readonly adapterPath: string;
  /**
   * The controller has stopped delivering advertisements while discovery still reads as on, as
   * BlueZ on Pis is known to: until discovery is started again ('restart') or only until the
   * adapter is powered off ('power-cycle').
   */
  private silentUntil: 'restart' | 'power-cycle' | undefined;
  private adapter: FakeAdapter1 | undefined;
  private readonly devices = new Map<string, FakeDevice1>();
  private readonly manager: FakeObjectManager;
  private readonly log: FakeCallLog;

  private constructor(
    private readonly bus: MessageBus,
    private readonly options: FakeBluezOptions,
  ) {
    this.adapterPath = `/org/bluez/${options.adapter ?? 'hci0'}`;
    this.manager = new FakeObjectManager(this);
    this.log = new FakeCallLog(options.now, this.adapterPath);
  }

  /** Connects to the bus at `busAddress`, takes the name org.bluez and exports one adapter. */
  static async start(busAddress: string, options: FakeBluezOptions): Promise<FakeBluez> {
    const bus = sessionBus({ busAddress });
    bus.on('error', () => undefined);
    const fake = new FakeBluez(bus, options);
    bus.export('/', fake.manager);
    fake.exportAdapter(false);
    await bus.requestName('org.bluez', 0);
    return fake;
  }

  /** Leaves the bus, as bluetoothd does when it stops: the name org.bluez loses its owner. */
  stop(): void {
    this.bus.disconnect();
  }

  get discovering(): boolean {
    return this.adapter?.values.Discovering === true;
  }

  get powered(): boolean {
    return this.adapter?.values.Powered === true;
  }

  /** Every method call received, in order. */
  get calls(): readonly FakeCall[] {
    return this.log.calls;
  }

  /** The calls named `member`, in order. */
  callsOf(member: string): FakeCall[] {
    return this.log.callsOf(member);
  }

  /** The next call of `member` ('StartDiscovery', 'Set.Powered', ...) fails with this D-Bus error. */
  failNext(member: string, errorName: string, text: string): void {
    this.log.failNext(member, errorName, text);
  }

  record(member: string, args: unknown[]): void {
    this.log.record(member, args);
  }

  managedObjects(): Record<string, InterfacesAndProperties> {
    const objects: Record<string, InterfacesAndProperties> = {
      '/org/bluez': { 'org.bluez.AgentManager1': {}, 'org.bluez.ProfileManager1': {} },
    };
    if (this.adapter !== undefined) objects[this.adapterPath] = this.adapter.interfaces();
    for (const [path, device] of this.devices) objects[path] = device.interfaces();
    return objects;
  }

  setPowered(value: boolean): void {
    const adapter = this.requireAdapter();
    if (!value) this.silentUntil = undefined;
    if (adapter.values.Powered === value) return;
    if (!value && this.discovering) this.stopDiscovery();
    adapter.values.Powered = value;
    adapter.signalChanged({ Powered: value }, []);
  }

  startDiscovery(): void {
    const adapter = this.requireAdapter();
    if (adapter.values.Powered !== true)
      throw new DBusError('org.bluez.Error.NotReady', 'Resource Not Ready');
    if (this.discovering) throw new DBusError('org.bluez.Error.InProgress', 'Operation already in progress');
    if (this.silentUntil === 'restart') this.silentUntil = undefined;
    adapter.values.Discovering = true;
    adapter.signalChanged({ Discovering: true }, []);
  }

  /** Like bluetoothd: every device's RSSI and TxPower are invalidated when discovery stops. */
  stopDiscovery(): void {
    const adapter = this.requireAdapter();
    if (!this.discovering) throw new DBusError('org.bluez.Error.Failed', 'No discovery started');
    adapter.values.Discovering = false;
    for (const device of this.devices.values()) {
      const invalidated = ['RSSI', 'TxPower'].filter((name) => device.values[name] !== undefined);
      for (const name of invalidated) delete device.values[name];
      if (invalidated.length > 0) device.signalChanged({}, invalidated);
    }
    adapter.signalChanged({ Discovering: false }, []);
  }

  /**
   * The controller reports an advertisement. Ignored unless discovering; otherwise the device
   * object is created (InterfacesAdded with its RSSI) or its changed properties are signalled.
   * Returns the properties signalled ([] when nothing changed), or undefined when not discovering.
   */
  hear(ad: FakeAdvertisement): string[] | undefined {
    if (!this.discovering || this.silentUntil !== undefined) return undefined;
    const device = this.devices.get(fakeDevicePath(this.adapterPath, ad.address));
    if (device === undefined) {
      const heard = advertisedValues(ad);
      this.addDevice(ad, heard);
      return Object.keys(heard);
    }
    const changed = advertisementChanges(device.values, ad, this.duplicateData);
    Object.assign(device.values, changed);
    if (Object.keys(changed).length > 0) device.signalChanged(changed, []);
    return Object.keys(changed);
  }

  /** Discovery goes silent: nothing more is heard, and nothing says so (see `silentUntil`). */
  goSilent(until: 'restart' | 'power-cycle'): void {
    this.silentUntil = until;
  }

  /** BlueZ turns discovery off under its client, as when the controller's scan stopped: it signals Discovering false. */
  dropDiscovery(): void {
    this.stopDiscovery();
  }

  /**
   * A device BlueZ knows without hearing it now: paired, or left from an earlier scan. Its
   * properties come without an RSSI, as bluetoothd loads them from /var/lib/bluetooth.
   */
  addCachedDevice(ad: Omit<FakeAdvertisement, 'rssi'>): void {
    const values: Values = {};
    if (ad.name !== undefined) values.Name = ad.name;
    if (ad.manufacturerData !== undefined) values.ManufacturerData = bytesDict(ad.manufacturerData);
    this.addDevice({ ...ad, rssi: 0 }, values, true);
  }

  /** Sets device properties directly (a name resolved by a connection, say), signalling them. */
  updateDevice(address: string, changed: Values): void {
    const device = this.devices.get(fakeDevicePath(this.adapterPath, address));
    if (device === undefined) throw new Error('no such device');
    Object.assign(device.values, changed);
    device.signalChanged(changed, []);
  }

  removeDevice(path: string): void {
    const device = this.devices.get(path);
    if (device === undefined) throw new DBusError('org.bluez.Error.DoesNotExist', 'Does Not Exist');
    this.devices.delete(path);
    this.bus.unexport(path, device);
    this.manager.InterfacesRemoved(path, interfaceNamesOf(DEVICE1));
  }

  /** The adapter is unplugged: its devices go, then the adapter itself. */
  removeAdapter(): void {
    const adapter = this.requireAdapter();
    for (const path of [...this.devices.keys()]) this.removeDevice(path);
    this.adapter = undefined;
    this.bus.unexport(this.adapterPath, adapter);
    this.manager.InterfacesRemoved(this.adapterPath, interfaceNamesOf(ADAPTER1));
  }

  /** The adapter is plugged back in; it comes up powered off, as after a replug. */
  addAdapter(): void {
    if (this.adapter !== undefined) throw new Error('the adapter is already there');
    this.exportAdapter(true);
  }

  private exportAdapter(signal: boolean): void {
    const adapter = newFakeAdapter(this, this.options.adapterAddress ?? '00:1A:7D:DA:71:13');
    this.adapter = adapter;
    this.bus.export(this.adapterPath, adapter);
    if (signal) this.manager.InterfacesAdded(this.adapterPath, adapter.interfaces());
  }

  private addDevice(ad: FakeAdvertisement, heard: Values, cached = false): void {
    const path = fakeDevicePath(this.adapterPath, ad.address);
    const device = newFakeDevice(ad, heard, this.adapterPath, cached);
    this.devices.set(path, device);
    this.bus.export(path, device);
    this.manager.InterfacesAdded(path, device.interfaces());
  }

  private requireAdapter(): FakeAdapter1 {
    if (this.adapter === undefined)
      throw new DBusError('org.freedesktop.DBus.Error.UnknownObject', 'no adapter');
    return this.adapter;
  }
}
