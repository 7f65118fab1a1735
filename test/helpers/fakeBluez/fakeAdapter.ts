/**
 * The stand-in's org.bluez.Adapter1 object. Its methods log the call and hand the work to the
 * service that owns it (FakeBluez), where discovery and the device objects live.
 */
import type { Variant } from 'dbus-next';
import {
  ADDRESS_AND_NAME_SIGNATURES,
  ValuesInterface,
  defineProperties,
  type Values,
} from './fakeProperties.ts';

export const ADAPTER1 = 'org.bluez.Adapter1';

const ADAPTER_SIGNATURES: Record<string, string> = {
  ...ADDRESS_AND_NAME_SIGNATURES,
  Class: 'u',
  Powered: 'b',
  Discoverable: 'b',
  Pairable: 'b',
  Discovering: 'b',
  UUIDs: 'as',
};

/** What the adapter asks of the service behind it. */
export interface AdapterOwner {
  /** Logs the call; throws the D-Bus error a test queued for it. */
  record(member: string, args: unknown[]): void;
  setPowered(value: boolean): void;
  startDiscovery(): void;
  stopDiscovery(): void;
  removeDevice(path: string): void;
  duplicateData: boolean;
}

export class FakeAdapter1 extends ValuesInterface {
  constructor(
    values: Values,
    private readonly owner: AdapterOwner,
  ) {
    super(ADAPTER1, values, ADAPTER_SIGNATURES);
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
    // Writable, as on bluetoothd: the scanner powers the adapter on by setting it.
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

/** A freshly plugged-in adapter: powered off and not discovering, as after a replug. */
export function newFakeAdapter(owner: AdapterOwner, address: string): FakeAdapter1 {
  return new FakeAdapter1(
    {
      Address: address.toUpperCase(),
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
    owner,
  );
}
