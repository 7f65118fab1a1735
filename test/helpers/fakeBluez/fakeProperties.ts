/**
 * D-Bus properties for the stand-in BlueZ's objects: plain values in a record, declared to
 * dbus-next with its configureMembers (no decorators), and sent as variants of fixed signatures.
 */
import { Variant, interface as dbusInterface } from 'dbus-next';

const { Interface } = dbusInterface;

const PROPERTIES = 'org.freedesktop.DBus.Properties';
const INTROSPECTABLE = 'org.freedesktop.DBus.Introspectable';

/** Properties bluetoothd's Adapter1 and Device1 both have: the address and the names. */
export const ADDRESS_AND_NAME_SIGNATURES: Record<string, string> = {
  Address: 's',
  AddressType: 's',
  Name: 's',
  Alias: 's',
};

/** Property values by name; undefined means the object does not have the property now. */
export type Values = Record<string, unknown>;

/** Interfaces of one object as GetManagedObjects and InterfacesAdded give them. */
export type InterfacesAndProperties = Record<string, Record<string, Variant>>;

/** Declares read-only D-Bus properties whose getters read `this.values`. */
export function defineProperties(
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

/**
 * One interface of a stand-in object, its D-Bus properties read from `values` (declare them with
 * defineProperties), which the stand-in changes directly and then signals.
 */
export class ValuesInterface extends Interface {
  constructor(
    private readonly interfaceName: string,
    readonly values: Values,
    private readonly signatures: Record<string, string>,
  ) {
    super(interfaceName);
  }

  /** The object as GetManagedObjects and InterfacesAdded list it: this interface and the standard two. */
  interfaces(): InterfacesAndProperties {
    return {
      [INTROSPECTABLE]: {},
      [this.interfaceName]: toDict(this.values, this.signatures),
      [PROPERTIES]: {},
    };
  }

  /** Sends PropertiesChanged; the caller has already put `changed` into `values`. */
  signalChanged(changed: Values, invalidated: string[]): void {
    Interface.emitPropertiesChanged(this, changed, invalidated);
  }
}

/** The interface names InterfacesRemoved lists when an object with `iface` goes. */
export function interfaceNamesOf(iface: string): string[] {
  return [INTROSPECTABLE, iface, PROPERTIES];
}

/** ManufacturerData and ServiceData: byte arrays keyed by company id or UUID, as `a{qv}`/`a{sv}`. */
export function bytesDict<K extends number | string>(
  map: ReadonlyMap<K, Uint8Array>,
): Record<string, Variant> {
  const dict: Record<string, Variant> = {};
  for (const [key, bytes] of map) dict[String(key)] = new Variant('ay', Buffer.from(bytes));
  return dict;
}
