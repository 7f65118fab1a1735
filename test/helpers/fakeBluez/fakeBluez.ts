/**
 * A stand-in `org.bluez` on a private bus, built with dbus-next's service API. It behaves like
 * bluetoothd where the scanner can tell: an ObjectManager at `/` (GetManagedObjects,
 * InterfacesAdded, InterfacesRemoved), an Adapter1 with Powered and Discovering, per-client
 * discovery calls, Device1 objects created when first heard during discovery (with their RSSI),
 * PropertiesChanged carrying only what changed (an advertisement with the same RSSI and data
 * signals nothing), RSSI invalidated when discovery stops, reports ignored when not discovering,
 * and an adapter that can be unplugged and plugged back in.
 *
 * Every method call is logged with the time of the injected clock, so tests can check when the
 * scanner started and stopped discovery.
 */
import { DBusError, Variant, sessionBus, interface as dbusInterface, type MessageBus } from 'dbus-next';
import { allowIntegerDictKeys } from './dbusNextPatch.ts';

allowIntegerDictKeys();

const { Interface } = dbusInterface;

const ADAPTER1 = 'org.bluez.Adapter1';
const DEVICE1 = 'org.bluez.Device1';
const PROPERTIES = 'org.freedesktop.DBus.Properties';
const INTROSPECTABLE = 'org.freedesktop.DBus.Introspectable';

/** One advertisement (or inquiry response) as the controller reports it to bluetoothd. */
export interface FakeAdvertisement {
  /** `aa:bb:cc:dd:ee:ff`, any case. */
  address: string;
  addressType: 'public' | 'random';
  rssi: number;
  name?: string;
  txPower?: number;
  manufacturerData?: ReadonlyMap<number, Uint8Array>;
  serviceData?: ReadonlyMap<string, Uint8Array>;
  uuids?: readonly string[];
}

export interface FakeCall {
  /** The injected clock's time when the call arrived. */
  t: number;
  path: string;
  member: string;
  args: unknown[];
}

export interface FakeBluezOptions {
  now: () => number;
  adapter?: string;
  /** Fake adapter address (it never appears in the scanner's output either). */
  adapterAddress?: string;
}

type Values = Record<string, unknown>;

/** Declares D-Bus properties backed by `values`, with dbus-next's configureMembers (no decorators). */
function defineProperties(
  klass: { prototype: object },
  signatures: Record<string, string>,
): Record<string, { signature: string; access: 'read' | 'readwrite' }> {
  const properties: Record<string, { signature: string; access: 'read' | 'readwrite' }> = {};
  for (const [name, signature] of Object.entries(signatures)) {
    if (!Object.getOwnPropertyDescriptor(klass.prototype, name)) {
      Object.defineProperty(klass.prototype, name, {
        get(this: { values: Values }) {
          return this.values[name];
        },
        configurable: true,
      });
    }
    properties[name] = { signature, access: 'read' };
  }
  return properties;
}

function toDict(values: Values, signatures: Record<string, string>): Record<string, Variant> {
  const dict: Record<string, Variant> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) dict[name] = new Variant(signatures[name]!, value);
  }
  return dict;
}

const DEVICE_SIGNATURES: Record<string, string> = {
  Address: 's',
  AddressType: 's',
  Name: 's',
  Alias: 's',
  Paired: 'b',
  Trusted: 'b',
  Blocked: 'b',
  LegacyPairing: 'b',
  Connected: 'b',
  RSSI: 'n',
  TxPower: 'n',
  UUIDs: 'as',
  Adapter: 'o',
  ManufacturerData: 'a{qv}',
  ServiceData: 'a{sv}',
};

const ADAPTER_SIGNATURES: Record<string, string> = {
  Address: 's',
  AddressType: 's',
  Name: 's',
  Alias: 's',
  Class: 'u',
  Powered: 'b',
  Discoverable: 'b',
  Pairable: 'b',
  Discovering: 'b',
  UUIDs: 'as',
};

class FakeDevice1 extends Interface {
  constructor(readonly values: Values) {
    super(DEVICE1);
  }
}
FakeDevice1.configureMembers({ properties: defineProperties(FakeDevice1, DEVICE_SIGNATURES) });

class FakeAdapter1 extends Interface {
  constructor(
    readonly values: Values,
    private readonly owner: FakeBluez,
  ) {
    super(ADAPTER1);
  }

  get Powered(): boolean {
    return this.values.Powered as boolean;
  }

  set Powered(value: boolean) {
    this.owner.record('Set.Powered', [value]);
    this.owner.setPowered(value);
  }

  StartDiscovery(): void {
    this.owner.record('StartDiscovery', []);
    this.owner.startDiscovery();
  }

  StopDiscovery(): void {
    this.owner.record('StopDiscovery', []);
    this.owner.stopDiscovery();
  }

  SetDiscoveryFilter(filter: Record<string, Variant>): void {
    const plain: Values = {};
    for (const [key, value] of Object.entries(filter)) plain[key] = value.value;
    this.owner.record('SetDiscoveryFilter', [plain]);
    this.owner.duplicateData = plain.DuplicateData === true;
  }

  GetDiscoveryFilters(): string[] {
    return ['UUIDs', 'RSSI', 'Pathloss', 'Transport', 'DuplicateData', 'Discoverable', 'Pattern'];
  }

  RemoveDevice(path: string): void {
    this.owner.record('RemoveDevice', [path]);
    this.owner.removeDevice(path);
  }
}
FakeAdapter1.configureMembers({
  properties: {
    ...defineProperties(FakeAdapter1, ADAPTER_SIGNATURES),
    Powered: { signature: 'b', access: 'readwrite' },
  },
  methods: {
    StartDiscovery: {},
    StopDiscovery: {},
    SetDiscoveryFilter: { inSignature: 'a{sv}' },
    GetDiscoveryFilters: { outSignature: 'as' },
    RemoveDevice: { inSignature: 'o' },
  },
});

class FakeObjectManager extends Interface {
  constructor(private readonly owner: FakeBluez) {
    super('org.freedesktop.DBus.ObjectManager');
  }

  GetManagedObjects(): Record<string, Record<string, Record<string, Variant>>> {
    this.owner.record('GetManagedObjects', []);
    return this.owner.managedObjects();
  }

  InterfacesAdded(path: string, interfaces: Record<string, Record<string, Variant>>): unknown[] {
    return [path, interfaces];
  }

  InterfacesRemoved(path: string, interfaces: string[]): unknown[] {
    return [path, interfaces];
  }
}
FakeObjectManager.configureMembers({
  methods: { GetManagedObjects: { outSignature: 'a{oa{sa{sv}}}' } },
  signals: { InterfacesAdded: { signature: 'oa{sa{sv}}' }, InterfacesRemoved: { signature: 'oas' } },
});

function emitChanged(iface: InstanceType<typeof Interface>, changed: Values, invalidated: string[]): void {
  Interface.emitPropertiesChanged(iface, changed, invalidated);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function bytesDict<K extends number | string>(map: ReadonlyMap<K, Uint8Array>): Record<string, Variant> {
  const dict: Record<string, Variant> = {};
  for (const [key, bytes] of map) dict[String(key)] = new Variant('ay', Buffer.from(bytes));
  return dict;
}

export class FakeBluez {
  readonly calls: FakeCall[] = [];
  /**
   * Set by SetDiscoveryFilter: BlueZ then signals ManufacturerData and ServiceData for every
   * advertisement that carries them, changed or not (doc/org.bluez.Adapter.rst).
   */
  duplicateData = false;
  readonly adapterPath: string;
  private adapter: FakeAdapter1 | undefined;
  private readonly devices = new Map<string, FakeDevice1>();
  private readonly manager: FakeObjectManager;
  private readonly failures = new Map<string, DBusError>();

  private constructor(
    private readonly bus: MessageBus,
    private readonly options: FakeBluezOptions,
  ) {
    this.adapterPath = `/org/bluez/${options.adapter ?? 'hci0'}`;
    this.manager = new FakeObjectManager(this);
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

  /** The calls named `member`, in order. */
  callsOf(member: string): FakeCall[] {
    return this.calls.filter((c) => c.member === member);
  }

  /** The next call of `member` ('StartDiscovery', 'Set.Powered', ...) fails with this D-Bus error. */
  failNext(member: string, errorName: string, text: string): void {
    this.failures.set(member, new DBusError(errorName, text));
  }

  record(member: string, args: unknown[]): void {
    this.calls.push({
      t: this.options.now(),
      path: member === 'GetManagedObjects' ? '/' : this.adapterPath,
      member,
      args,
    });
    const failure = this.failures.get(member);
    if (failure !== undefined) {
      this.failures.delete(member);
      throw failure;
    }
  }

  managedObjects(): Record<string, Record<string, Record<string, Variant>>> {
    const objects: Record<string, Record<string, Record<string, Variant>>> = {
      '/org/bluez': { 'org.bluez.AgentManager1': {}, 'org.bluez.ProfileManager1': {} },
    };
    if (this.adapter !== undefined) objects[this.adapterPath] = this.adapterInterfaces();
    for (const [path, device] of this.devices) objects[path] = this.deviceInterfaces(device);
    return objects;
  }

  setPowered(value: boolean): void {
    const adapter = this.requireAdapter();
    if (adapter.values.Powered === value) return;
    if (!value && this.discovering) this.stopDiscovery();
    adapter.values.Powered = value;
    emitChanged(adapter, { Powered: value }, []);
  }

  startDiscovery(): void {
    const adapter = this.requireAdapter();
    if (adapter.values.Powered !== true)
      throw new DBusError('org.bluez.Error.NotReady', 'Resource Not Ready');
    if (this.discovering) throw new DBusError('org.bluez.Error.InProgress', 'Operation already in progress');
    adapter.values.Discovering = true;
    emitChanged(adapter, { Discovering: true }, []);
  }

  /** Like bluetoothd: every device's RSSI and TxPower are invalidated when discovery stops. */
  stopDiscovery(): void {
    const adapter = this.requireAdapter();
    if (!this.discovering) throw new DBusError('org.bluez.Error.Failed', 'No discovery started');
    adapter.values.Discovering = false;
    for (const device of this.devices.values()) {
      const invalidated = ['RSSI', 'TxPower'].filter((name) => device.values[name] !== undefined);
      for (const name of invalidated) delete device.values[name];
      if (invalidated.length > 0) emitChanged(device, {}, invalidated);
    }
    emitChanged(adapter, { Discovering: false }, []);
  }

  /**
   * The controller reports an advertisement. Ignored unless discovering; otherwise the device
   * object is created (InterfacesAdded with its RSSI) or its changed properties are signalled.
   * Returns the properties signalled ([] when nothing changed), or undefined when not discovering.
   */
  hear(ad: FakeAdvertisement): string[] | undefined {
    if (!this.discovering) return undefined;
    const path = this.devicePath(ad.address);
    const heard: Values = { RSSI: ad.rssi };
    if (ad.name !== undefined) heard.Name = ad.name;
    if (ad.txPower !== undefined) heard.TxPower = ad.txPower;
    if (ad.manufacturerData !== undefined && ad.manufacturerData.size > 0)
      heard.ManufacturerData = bytesDict(ad.manufacturerData);
    if (ad.serviceData !== undefined && ad.serviceData.size > 0)
      heard.ServiceData = bytesDict(ad.serviceData);
    const device = this.devices.get(path);
    if (device === undefined) {
      this.addDevice(ad, heard);
      return Object.keys(heard);
    }
    if (heard.Name !== undefined && device.values.Name === undefined) heard.Alias = heard.Name;
    // Like bluetoothd, data of one advertisement is merged by company id / UUID into what the
    // device sent before (an advertisement and its scan response often carry different entries).
    for (const name of ['ManufacturerData', 'ServiceData']) {
      if (heard[name] !== undefined)
        heard[name] = { ...(device.values[name] as object | undefined), ...(heard[name] as object) };
    }
    if (ad.uuids !== undefined) {
      const uuids = [...new Set([...((device.values.UUIDs as string[]) ?? []), ...ad.uuids])];
      if (uuids.length !== (device.values.UUIDs as string[]).length) heard.UUIDs = uuids;
    }
    const changed: Values = {};
    for (const [name, value] of Object.entries(heard)) {
      const repeated = this.duplicateData && (name === 'ManufacturerData' || name === 'ServiceData');
      if (repeated || !sameValue(device.values[name], value)) changed[name] = value;
    }
    Object.assign(device.values, changed);
    if (Object.keys(changed).length > 0) emitChanged(device, changed, []);
    return Object.keys(changed);
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
    const device = this.devices.get(this.devicePath(address));
    if (device === undefined) throw new Error('no such device');
    Object.assign(device.values, changed);
    emitChanged(device, changed, []);
  }

  removeDevice(path: string): void {
    const device = this.devices.get(path);
    if (device === undefined) throw new DBusError('org.bluez.Error.DoesNotExist', 'Does Not Exist');
    this.devices.delete(path);
    this.bus.unexport(path, device);
    this.manager.InterfacesRemoved(path, [INTROSPECTABLE, DEVICE1, PROPERTIES]);
  }

  /** The adapter is unplugged: its devices go, then the adapter itself. */
  removeAdapter(): void {
    const adapter = this.requireAdapter();
    for (const path of [...this.devices.keys()]) this.removeDevice(path);
    this.adapter = undefined;
    this.bus.unexport(this.adapterPath, adapter);
    this.manager.InterfacesRemoved(this.adapterPath, [INTROSPECTABLE, ADAPTER1, PROPERTIES]);
  }

  /** The adapter is plugged back in; it comes up powered off, as after a replug. */
  addAdapter(): void {
    if (this.adapter !== undefined) throw new Error('the adapter is already there');
    this.exportAdapter(true);
  }

  private exportAdapter(signal: boolean): void {
    this.adapter = new FakeAdapter1(
      {
        Address: (this.options.adapterAddress ?? '00:1A:7D:DA:71:13').toUpperCase(),
        AddressType: 'public',
        Name: 'airtrace-pi',
        Alias: 'airtrace-pi',
        Class: 0,
        Powered: false,
        Discoverable: false,
        Pairable: true,
        Discovering: false,
        UUIDs: [],
      },
      this,
    );
    this.bus.export(this.adapterPath, this.adapter);
    if (signal) this.manager.InterfacesAdded(this.adapterPath, this.adapterInterfaces());
  }

  private addDevice(ad: FakeAdvertisement, heard: Values, cached = false): void {
    const path = this.devicePath(ad.address);
    const address = ad.address.toUpperCase();
    const name = heard.Name as string | undefined;
    const device = new FakeDevice1({
      Address: address,
      AddressType: ad.addressType,
      // bluetoothd's default alias is the address with dashes: a scanner must not take it for a name.
      Alias: name ?? address.replace(/:/g, '-'),
      Paired: cached,
      Trusted: false,
      Blocked: false,
      LegacyPairing: false,
      Connected: false,
      UUIDs: [...(ad.uuids ?? [])],
      Adapter: this.adapterPath,
      ...heard,
      ...(cached ? { RSSI: undefined } : {}),
    });
    this.devices.set(path, device);
    this.bus.export(path, device);
    this.manager.InterfacesAdded(path, this.deviceInterfaces(device));
  }

  private adapterInterfaces(): Record<string, Record<string, Variant>> {
    return {
      [INTROSPECTABLE]: {},
      [ADAPTER1]: toDict(this.requireAdapter().values, ADAPTER_SIGNATURES),
      [PROPERTIES]: {},
    };
  }

  private deviceInterfaces(device: FakeDevice1): Record<string, Record<string, Variant>> {
    return { [INTROSPECTABLE]: {}, [DEVICE1]: toDict(device.values, DEVICE_SIGNATURES), [PROPERTIES]: {} };
  }

  private devicePath(address: string): string {
    return `${this.adapterPath}/dev_${address.toUpperCase().replace(/:/g, '_')}`;
  }

  private requireAdapter(): FakeAdapter1 {
    if (this.adapter === undefined)
      throw new DBusError('org.freedesktop.DBus.Error.UnknownObject', 'no adapter');
    return this.adapter;
  }
}
