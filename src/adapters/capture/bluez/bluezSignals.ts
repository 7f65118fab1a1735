/**
 * Sorts the D-Bus messages the scanner receives into the few BlueZ signals it acts on. Only
 * signals from the connection that currently owns org.bluez count: a stale or spoofed sender
 * must not add devices.
 */
import { MessageType, type Message } from 'dbus-next';
import { ADAPTER1, BLUEZ, DEVICE1, OBJECT_MANAGER, PROPERTIES, unwrapProperties } from './bluezBus.ts';

export type BluezSignal =
  /** The bus says who owns org.bluez now ('' when nobody does: bluetoothd stopped). */
  | { kind: 'bluez-owner'; owner: string }
  /** An object appeared; `interfaces` maps interface names to their (still wrapped) properties. */
  | { kind: 'interfaces-added'; path: string; interfaces: Record<string, unknown> }
  | { kind: 'interfaces-removed'; path: string; interfaces: string[] }
  | { kind: 'device-properties'; path: string; changed: Record<string, unknown>; invalidated: string[] }
  /** Properties of the scanner's own adapter changed. */
  | { kind: 'adapter-properties'; changed: Record<string, unknown> }
  /** From BlueZ, but nothing the scanner acts on (still counted as a signal handled). */
  | { kind: 'other' };

/**
 * The signal `message` carries, or undefined when it is not one for the scanner: not a signal,
 * another name's owner change, or not sent by `bluezOwner`.
 */
export function bluezSignalOf(
  message: Message,
  bluezOwner: string | undefined,
  adapterPath: string,
): BluezSignal | undefined {
  if (message.type !== MessageType.SIGNAL) return undefined;
  if (message.interface === 'org.freedesktop.DBus' && message.member === 'NameOwnerChanged') {
    // Only the bus itself speaks for name ownership.
    if (message.sender === 'org.freedesktop.DBus' && message.body[0] === BLUEZ) {
      return { kind: 'bluez-owner', owner: String(message.body[2] ?? '') };
    }
    return undefined;
  }
  if (message.sender !== bluezOwner) return undefined;
  if (message.interface === OBJECT_MANAGER && message.path === '/') {
    if (message.member === 'InterfacesAdded') {
      const interfaces = (message.body[1] ?? {}) as Record<string, unknown>;
      return { kind: 'interfaces-added', path: String(message.body[0]), interfaces };
    }
    if (message.member === 'InterfacesRemoved') {
      const names: unknown = message.body[1];
      const interfaces = Array.isArray(names) ? names.map(String) : [];
      return { kind: 'interfaces-removed', path: String(message.body[0]), interfaces };
    }
  } else if (message.interface === PROPERTIES && message.member === 'PropertiesChanged') {
    const [iface, changed, invalidated] = message.body as [unknown, unknown, unknown];
    if (iface === DEVICE1) {
      const names = Array.isArray(invalidated) ? invalidated.map(String) : [];
      return {
        kind: 'device-properties',
        path: message.path,
        changed: unwrapProperties(changed),
        invalidated: names,
      };
    }
    if (iface === ADAPTER1 && message.path === adapterPath) {
      return { kind: 'adapter-properties', changed: unwrapProperties(changed) };
    }
  }
  return { kind: 'other' };
}
