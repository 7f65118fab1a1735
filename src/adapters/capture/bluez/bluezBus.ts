/**
 * The few D-Bus messages the scanner sends, built with dbus-next's low-level Message API: fixed
 * signatures and no introspection, so a thousand device objects cost no proxy each.
 */
import { Message, Variant } from 'dbus-next';

export const BLUEZ = 'org.bluez';
export const ADAPTER1 = 'org.bluez.Adapter1';
export const DEVICE1 = 'org.bluez.Device1';
export const OBJECT_MANAGER = 'org.freedesktop.DBus.ObjectManager';
export const PROPERTIES = 'org.freedesktop.DBus.Properties';
const DBUS = 'org.freedesktop.DBus';
const DBUS_PATH = '/org/freedesktop/DBus';

/** A BlueZ adapter name as it appears in object paths: hci0, hci1, ... */
export const ADAPTER_NAME = /^[A-Za-z0-9_]+$/;

export function adapterPath(adapter: string): string {
  return `/org/bluez/${adapter}`;
}

function busCall(member: string, signature: string, body: unknown[]): Message {
  return new Message({ destination: DBUS, path: DBUS_PATH, interface: DBUS, member, signature, body });
}

export function getNameOwner(name: string): Message {
  return busCall('GetNameOwner', 's', [name]);
}

export function addMatch(rule: string): Message {
  return busCall('AddMatch', 's', [rule]);
}

export function removeMatch(rule: string): Message {
  return busCall('RemoveMatch', 's', [rule]);
}

/** Signals the scanner listens to: BlueZ's object manager, property changes under the adapter, BlueZ coming and going. */
export function matchRules(adapter: string): string[] {
  return [
    `type='signal',sender='${BLUEZ}',path='/',interface='${OBJECT_MANAGER}'`,
    `type='signal',sender='${BLUEZ}',interface='${PROPERTIES}',member='PropertiesChanged',path_namespace='${adapterPath(adapter)}'`,
    `type='signal',sender='${DBUS}',path='${DBUS_PATH}',interface='${DBUS}',member='NameOwnerChanged',arg0='${BLUEZ}'`,
  ];
}

export function getManagedObjects(): Message {
  return new Message({
    destination: BLUEZ,
    path: '/',
    interface: OBJECT_MANAGER,
    member: 'GetManagedObjects',
  });
}

export function setPowered(adapter: string, powered: boolean): Message {
  return new Message({
    destination: BLUEZ,
    path: adapterPath(adapter),
    interface: PROPERTIES,
    member: 'Set',
    signature: 'ssv',
    body: [ADAPTER1, 'Powered', new Variant('b', powered)],
  });
}

/** LE and BR/EDR, and every advertisement reported (not only changes), so RSSI keeps updating. */
export function setDiscoveryFilter(adapter: string): Message {
  return new Message({
    destination: BLUEZ,
    path: adapterPath(adapter),
    interface: ADAPTER1,
    member: 'SetDiscoveryFilter',
    signature: 'a{sv}',
    body: [{ Transport: new Variant('s', 'auto'), DuplicateData: new Variant('b', true) }],
  });
}

export function adapterCall(adapter: string, member: 'StartDiscovery' | 'StopDiscovery'): Message {
  return new Message({ destination: BLUEZ, path: adapterPath(adapter), interface: ADAPTER1, member });
}

/** `a{sv}` with its variants unwrapped, one level deep (ManufacturerData keeps its inner variants). */
export function unwrapProperties(dict: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (dict === null || typeof dict !== 'object') return out;
  for (const [key, value] of Object.entries(dict as Record<string, unknown>)) {
    out[key] = value instanceof Variant ? value.value : value;
  }
  return out;
}
