/**
 * The scanner's D-Bus connection: opened on the system bus (or a given address, or a bus the
 * caller owns), with a promise that rejects when it breaks. dbus-next leaves calls pending on a
 * broken connection forever, so every call races that promise and fails instead of hanging.
 */
import type { EventEmitter } from 'node:events';
import { sessionBus, systemBus, type Message, type MessageBus } from 'dbus-next';
import { addMatch, matchRules, removeMatch } from './bluezBus.ts';

export interface BluezConnection {
  bus: MessageBus;
  /** Opened here (and so disconnected here), not handed in by the caller. */
  owned: boolean;
  /** Rejects when the connection breaks or is closed. */
  lost: Promise<never>;
  /** The scanner's match rules are registered on the bus. */
  matched: boolean;
  /** Detaches the listeners; calls still pending fail. */
  unwire(): void;
}

export interface BluezBusChoice {
  /** A connected bus to use (the caller owns it). */
  bus?: MessageBus;
  /** Open this bus address instead of the system bus (a private bus in tests). */
  busAddress?: string;
}

export interface BluezConnectionListener {
  onMessage(connection: BluezConnection, message: Message): void;
  /** The connection broke (socket error or end); it is not unwired yet. */
  onLost(connection: BluezConnection): void;
}

export function openBluezConnection(
  choice: BluezBusChoice,
  listener: BluezConnectionListener,
): BluezConnection {
  const owned = choice.bus === undefined;
  const bus =
    choice.bus ??
    (choice.busAddress === undefined ? systemBus() : sessionBus({ busAddress: choice.busAddress }));
  let reject: (error: unknown) => void = () => undefined;
  const lost = new Promise<never>((_, r) => (reject = r));
  lost.catch(() => undefined);
  const onMessage = (message: Message): void => listener.onMessage(connection, message);
  const onError = (error: unknown): void => {
    reject(error);
    listener.onLost(connection);
  };
  const onEnd = (): void =>
    onError(Object.assign(new Error('the D-Bus connection closed'), { code: 'EPIPE' }));
  bus.on('message', onMessage);
  bus.on('error', onError);
  // dbus-next does not forward the socket's end: listen on its connection, where it is.
  const socket = (bus as unknown as { _connection?: EventEmitter })._connection;
  socket?.on('end', onEnd);
  const connection: BluezConnection = {
    bus,
    owned,
    lost,
    matched: false,
    unwire: () => {
      // Calls still pending on this connection fail instead of hanging.
      reject(Object.assign(new Error('the D-Bus connection was closed'), { code: 'EPIPE' }));
      bus.removeListener('message', onMessage);
      socket?.removeListener('end', onEnd);
      bus.removeListener('error', onError);
      // A bus of our own keeps an error listener: an unhandled 'error' would end the process.
      if (owned) bus.on('error', () => undefined);
    },
  };
  return connection;
}

/** A method call that also fails when the connection breaks while it is pending. */
export async function callOn(connection: BluezConnection, message: Message): Promise<Message> {
  const reply = await Promise.race([connection.bus.call(message), connection.lost]);
  if (reply === null) throw new Error(`no reply to ${message.member}`);
  return reply;
}

/** Registers the scanner's match rules once per connection, so BlueZ's signals reach it. */
export async function subscribeToBluez(connection: BluezConnection, adapter: string): Promise<void> {
  if (connection.matched) return;
  for (const rule of matchRules(adapter)) await callOn(connection, addMatch(rule));
  connection.matched = true;
}

/** Unwires the connection and disconnects it if it is ours (a broken one, or one being closed). */
export function dropBluezConnection(connection: BluezConnection): void {
  connection.unwire();
  if (connection.owned) connection.bus.disconnect();
}

/**
 * Closes the connection. A caller's bus lives on, so the match rules are removed from it first;
 * on a bus of our own they go with the disconnection.
 */
export async function closeBluezConnection(connection: BluezConnection, adapter: string): Promise<void> {
  if (!connection.owned && connection.matched) {
    for (const rule of matchRules(adapter)) {
      await callOn(connection, removeMatch(rule)).catch(() => undefined);
    }
  }
  dropBluezConnection(connection);
}
