/**
 * D-Bus properties for the stand-in BlueZ's objects: plain values in a record, declared to
 * dbus-next with its configureMembers (no decorators), and sent as variants of fixed signatures.
 */
import { Variant, interface as dbusInterface } from 'dbus-next';

const { Interface } = dbusInterface;

export const PROPERTIES = 'org.freedesktop.DBus.Properties';
const INTROSPECTABLE = 'org.freedesktop.DBus.Introspectable';

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

/** What bluetoothd lists for one of its objects: `iface` with its properties, and the standard two. */
export function interfacesOf(
  iface: string,
  values: Values,
  signatures: Record<string, string>,
): InterfacesAndProperties {
  return { [INTROSPECTABLE]: {}, [iface]: toDict(values, signatures), [PROPERTIES]: {} };
}

/** The interface names InterfacesRemoved lists when an object with `iface` goes. */
export function interfaceNamesOf(iface: string): string[] {
  return [INTROSPECTABLE, iface, PROPERTIES];
}

export function emitChanged(
  iface: InstanceType<typeof Interface>,
  changed: Values,
  invalidated: string[],
): void {
  Interface.emitPropertiesChanged(iface, changed, invalidated);
}

/** ManufacturerData and ServiceData: byte arrays keyed by company id or UUID, as `a{qv}`/`a{sv}`. */
export function bytesDict<K extends number | string>(
  map: ReadonlyMap<K, Uint8Array>,
): Record<string, Variant> {
  const dict: Record<string, Variant> = {};
  for (const [key, bytes] of map) dict[String(key)] = new Variant('ay', Buffer.from(bytes));
  return dict;
}
