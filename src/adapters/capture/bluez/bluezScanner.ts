import type { EventEmitter } from 'node:events';
import { MessageType, sessionBus, systemBus, type Message, type MessageBus } from 'dbus-next';
import type { Observation } from '../../../core/model.ts';
import { systemClock, type Clock, type TimerHandle } from '../../clock/clock.ts';
import { dutyPhase, isContinuous, type DutyCycle } from '../../../core/window/dutyCycle.ts';
import {
  ADAPTER1,
  ADAPTER_NAME,
  BLUEZ,
  DEVICE1,
  OBJECT_MANAGER,
  PROPERTIES,
  addMatch,
  adapterCall,
  adapterPath,
  getManagedObjects,
  getNameOwner,
  matchRules,
  removeMatch,
  setDiscoveryFilter,
  setPowered,
  unwrapProperties,
} from './bluezBus.ts';
import {
  newBluezDevice,
  observationOfBluezDevice,
  updateBluezDevice,
  type BluezDevice,
} from './bluezDevice.ts';
import {
  BluezFailureError,
  adapterPoweredOff,
  adapterRemoved,
  bluezLeft,
  busLost,
  classifyBluezError,
  noAdapter,
  noBluez,
  type BluezFailure,
} from './bluezFailure.ts';

export type BluezEvent =
  /** BlueZ answered, the adapter is powered and the discovery filter set; `continuous` or duty-cycled. */
  | { type: 'started'; adapter: string; continuous: boolean }
  /** Discovery was started or stopped (at `at`, Unix seconds). */
  | { type: 'discovery'; active: boolean; at: number }
  | { type: 'failed'; failure: BluezFailure }
  | { type: 'retrying'; delayMs: number; attempt: number }
  /** Scanning works again after failing from `from` to `to` (Unix seconds): nothing was heard then. */
  | { type: 'recovered'; from: number; to: number }
  | { type: 'stopped' };

export interface BluezScannerOptions {
  /** BlueZ adapter name: hci0, hci1, ... */
  adapter: string;
  sensorId: string;
  /** A connected bus to use (the caller owns it); by default the scanner opens the system bus itself. */
  bus?: MessageBus;
  /** Open this bus address instead of the system bus (a private bus in tests). */
  busAddress?: string;
  onObservation(o: Observation): void;
  onEvent?(event: BluezEvent): void;
  /** Injected so tests move a clock instead of sleeping. */
  clock?: Clock;
  /** Scan `scanSeconds` at the start of every `periodSeconds`; equal means continuous (the default). */
  scan?: DutyCycle;
  /** First retry delay after a failure, doubled each time up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface BluezCounters {
  /** BlueZ signals handled. */
  signals: number;
  observations: number;
  /** Device updates that carried no RSSI heard in this scan (cached devices, off-phase updates). */
  notHeard: number;
}

const CONTINUOUS: DutyCycle = { scanSeconds: 60, periodSeconds: 60 };

type State = 'idle' | 'connecting' | 'running' | 'down' | 'stopped';

/** The bus connection with the promise that rejects when it breaks (dbus-next leaves pending calls hanging). */
interface Connection {
  bus: MessageBus;
  owned: boolean;
  lost: Promise<never>;
  matched: boolean;
  unwire(): void;
}

/**
 * Live Bluetooth scanning through BlueZ over D-Bus: powers the adapter, sets a discovery filter
 * (LE and BR/EDR, duplicate data on), starts and stops discovery on the duty cycle, and turns
 * Device1 signals into Observations. Failures (no BlueZ, no adapter, no permission, the adapter
 * or BlueZ going away, the bus breaking) are reported with a fix and retried with backoff; an
 * adapter or BlueZ coming back wakes the retry at once.
 *
 * Events never carry an address; device names are escaped (see displayText.ts).
 */
export class BluezScanner {
  readonly counters: BluezCounters = { signals: 0, observations: 0, notHeard: 0 };
  private state: State = 'idle';
  /** Bumped on every failure and stop, so work started before it is dropped. */
  private generation = 0;
  private connection: Connection | undefined;
  private bluezOwner: string | undefined;
  private readonly devices = new Map<string, BluezDevice>();
  /** True while the duty cycle says "scan": observations only count then. */
  private scanning = false;
  /** Discovery is on at BlueZ, as far as this client knows. */
  private discovering = false;
  private ops: Promise<void> = Promise.resolve();
  private phaseTimer: TimerHandle | undefined;
  private retryTimer: TimerHandle | undefined;
  private attempt = 0;
  /** BlueZ or the adapter appeared while an attempt was under way: retry at once if it fails. */
  private wakeRequested = false;
  private downSince: number | undefined;
  private readonly clock: Clock;
  private readonly cycle: DutyCycle;
  private readonly path: string;

  constructor(private readonly options: BluezScannerOptions) {
    this.clock = options.clock ?? systemClock;
    this.cycle = options.scan ?? CONTINUOUS;
    this.path = adapterPath(options.adapter);
  }

  /** True when the last attempt succeeded and no failure came since. */
  get running(): boolean {
    return this.state === 'running';
  }

  /**
   * Connects and starts scanning. Resolves after the first attempt, whether it worked or not:
   * a failure is reported as an event and retried in the background until stop().
   */
  async start(): Promise<void> {
    if (this.state !== 'idle' && this.state !== 'stopped') return;
    this.attempt = 0;
    this.downSince = undefined;
    await this.connect();
  }

  async stop(): Promise<void> {
    if (this.state === 'idle' || this.state === 'stopped') return;
    this.state = 'stopped';
    this.generation++;
    this.clearTimers();
    this.scanning = false;
    await this.ops;
    const connection = this.connection;
    if (this.discovering && connection !== undefined) {
      try {
        await this.call(connection, adapterCall(this.options.adapter, 'StopDiscovery'));
        this.emit({ type: 'discovery', active: false, at: this.clock.now() });
      } catch {
        // Stopping anyway; BlueZ stops a client's discovery when the client leaves the bus.
      }
    }
    this.discovering = false;
    await this.closeConnection();
    this.devices.clear();
    this.emit({ type: 'stopped' });
  }

  private emit(event: BluezEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A listener's error is its own; the scanner keeps going.
    }
  }

  // ---- connection and setup ----------------------------------------------------------------

  private openConnection(): Connection {
    const owned = this.options.bus === undefined;
    const bus =
      this.options.bus ??
      (this.options.busAddress === undefined
        ? systemBus()
        : sessionBus({ busAddress: this.options.busAddress }));
    let reject: (error: unknown) => void = () => undefined;
    const lost = new Promise<never>((_, r) => (reject = r));
    lost.catch(() => undefined);
    const onMessage = (message: Message): void => this.onMessage(connection, message);
    const onError = (error: unknown): void => {
      reject(error);
      this.onConnectionLost(connection);
    };
    const onEnd = (): void =>
      onError(Object.assign(new Error('the D-Bus connection closed'), { code: 'EPIPE' }));
    bus.on('message', onMessage);
    bus.on('error', onError);
    // dbus-next does not forward the socket's end: listen on its connection, where it is.
    const socket = (bus as unknown as { _connection?: EventEmitter })._connection;
    socket?.on('end', onEnd);
    const connection: Connection = {
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

  private async closeConnection(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (connection === undefined) return;
    if (!connection.owned && connection.matched) {
      for (const rule of matchRules(this.options.adapter)) {
        await this.call(connection, removeMatch(rule)).catch(() => undefined);
      }
    }
    connection.unwire();
    if (connection.owned) connection.bus.disconnect();
  }

  /** A method call that also fails when the connection breaks while it is pending. */
  private async call(connection: Connection, message: Message): Promise<Message> {
    const reply = await Promise.race([connection.bus.call(message), connection.lost]);
    if (reply === null) throw new Error(`no reply to ${message.member}`);
    return reply;
  }

  private async connect(): Promise<void> {
    this.state = 'connecting';
    this.wakeRequested = false;
    const generation = ++this.generation;
    let during = 'connecting to the system D-Bus';
    try {
      if (!ADAPTER_NAME.test(this.options.adapter))
        throw new BluezFailureError(noAdapter(this.options.adapter, []));
      this.connection ??= this.openConnection();
      const connection = this.connection;
      // Subscribe first: BlueZ taking its name or adding the adapter later wakes a retry.
      if (!connection.matched) {
        for (const rule of matchRules(this.options.adapter)) await this.call(connection, addMatch(rule));
        connection.matched = true;
      }
      during = 'looking for BlueZ';
      const owner = await this.call(connection, getNameOwner(BLUEZ)).catch((error: unknown) => {
        const name = (error as { type?: unknown }).type;
        if (name === 'org.freedesktop.DBus.Error.NameHasNoOwner') throw new BluezFailureError(noBluez());
        throw error;
      });
      this.bluezOwner = String(owner.body[0]);
      during = 'listing BlueZ objects';
      const objects = (await this.call(connection, getManagedObjects())).body[0] as Record<string, unknown>;
      if (generation !== this.generation) return;
      const adapter = this.seed(objects);
      if (adapter === undefined) {
        const available = Object.entries(objects)
          .filter(([, ifaces]) => ADAPTER1 in (ifaces as object))
          .map(([path]) => path.slice(path.lastIndexOf('/') + 1));
        throw new BluezFailureError(noAdapter(this.options.adapter, available));
      }
      if (adapter.Powered !== true) {
        during = 'powering the adapter on';
        await this.call(connection, setPowered(this.options.adapter, true));
      }
      if (generation !== this.generation) return;
      this.state = 'running';
      this.attempt = 0;
      this.emit({ type: 'started', adapter: this.options.adapter, continuous: isContinuous(this.cycle) });
      if (this.downSince !== undefined) {
        this.emit({ type: 'recovered', from: this.downSince, to: this.clock.now() });
        this.downSince = undefined;
      }
      this.applyPhase();
    } catch (error) {
      if (generation !== this.generation) return;
      this.fail(classifyBluezError(error, this.options.adapter, during));
    }
  }

  /** Records the devices BlueZ already has; returns the adapter's properties if it exists. */
  private seed(objects: Record<string, unknown>): Record<string, unknown> | undefined {
    this.devices.clear();
    let adapter: Record<string, unknown> | undefined;
    for (const [path, ifaces] of Object.entries(objects)) {
      const byInterface = ifaces as Record<string, unknown>;
      if (path === this.path && ADAPTER1 in byInterface) adapter = unwrapProperties(byInterface[ADAPTER1]);
      if (path.startsWith(`${this.path}/`) && DEVICE1 in byInterface) {
        const device = newBluezDevice(path);
        // What BlueZ remembers is not what was heard: no RSSI from here counts.
        updateBluezDevice(device, unwrapProperties(byInterface[DEVICE1]));
        device.rssi = undefined;
        this.devices.set(path, device);
      }
    }
    return adapter;
  }

  // ---- failures and retries ------------------------------------------------------------------

  private fail(failure: BluezFailure): void {
    if (this.state === 'stopped') return;
    this.generation++;
    this.state = 'down';
    this.clearTimers();
    this.scanning = false;
    this.discovering = false;
    this.downSince ??= this.clock.now();
    this.emit({ type: 'failed', failure });
    this.attempt++;
    const delayMs = this.wakeRequested
      ? 0
      : Math.min(
          (this.options.initialBackoffMs ?? 1000) * 2 ** (this.attempt - 1),
          this.options.maxBackoffMs ?? 60_000,
        );
    this.emit({ type: 'retrying', delayMs, attempt: this.attempt });
    this.retryTimer = this.clock.setTimeout(() => this.retryNow(), delayMs);
  }

  /** Retries at once: when the backoff ends, or when BlueZ or the adapter shows up again. */
  private retryNow(): void {
    if (this.state === 'connecting') this.wakeRequested = true;
    if (this.state !== 'down') return;
    this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    void this.connect();
  }

  private onConnectionLost(connection: Connection): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    connection.unwire();
    if (connection.owned) connection.bus.disconnect();
    // While connecting, the pending call fails with the connection's error and reports it.
    if (this.state === 'running') this.fail(busLost());
    else if (this.state === 'down') this.retryNow();
  }

  private clearTimers(): void {
    this.clock.clearTimeout(this.phaseTimer);
    this.clock.clearTimeout(this.retryTimer);
    this.phaseTimer = undefined;
    this.retryTimer = undefined;
  }

  // ---- duty cycle ------------------------------------------------------------------------------

  /** Scans or pauses as the duty cycle says now, and sets a timer for the next change. */
  private applyPhase(scheduledFor?: number): void {
    if (this.state !== 'running') return;
    // A timer firing a hair early must still flip the phase it was set for.
    const now = Math.max(this.clock.now(), scheduledFor ?? -Infinity);
    const phase = dutyPhase(now, this.cycle);
    if (phase.scanning !== this.scanning) {
      this.scanning = phase.scanning;
      // A new scan, or none: RSSIs from before do not say who is here now.
      for (const device of this.devices.values()) device.rssi = undefined;
      const generation = this.generation;
      this.enqueue(
        generation,
        phase.scanning ? () => this.startDiscovery(now) : () => this.stopDiscovery(now),
      );
    }
    if (Number.isFinite(phase.nextChangeAt)) {
      const at = phase.nextChangeAt;
      this.phaseTimer = this.clock.setTimeout(
        () => this.applyPhase(at),
        Math.max(0, Math.ceil((at - now) * 1000)),
      );
    }
  }

  /** Runs discovery calls one after another; a failure of the current generation is reported. */
  private enqueue(generation: number, op: () => Promise<void>): void {
    this.ops = this.ops.then(async () => {
      if (generation !== this.generation) return;
      try {
        await op();
      } catch (error) {
        if (generation !== this.generation) return;
        this.fail(classifyBluezError(error, this.options.adapter, 'discovery'));
      }
    });
  }

  /** `at` is when the duty cycle called for it, reported in the event. */
  private async startDiscovery(at: number): Promise<void> {
    const connection = this.connection;
    if (connection === undefined) return;
    await this.call(connection, setDiscoveryFilter(this.options.adapter));
    try {
      await this.call(connection, adapterCall(this.options.adapter, 'StartDiscovery'));
    } catch (error) {
      // Already discovering for this client: nothing to do.
      if ((error as { type?: unknown }).type !== 'org.bluez.Error.InProgress') throw error;
    }
    this.discovering = true;
    this.emit({ type: 'discovery', active: true, at });
  }

  private async stopDiscovery(at: number): Promise<void> {
    const connection = this.connection;
    if (connection === undefined) return;
    try {
      await this.call(connection, adapterCall(this.options.adapter, 'StopDiscovery'));
    } catch (error) {
      // "No discovery started": BlueZ already stopped it (power cycle); the goal is reached.
      if ((error as { type?: unknown }).type !== 'org.bluez.Error.Failed') throw error;
    }
    this.discovering = false;
    this.emit({ type: 'discovery', active: false, at });
  }

  // ---- signals -------------------------------------------------------------------------------

  private onMessage(connection: Connection, message: Message): void {
    if (message.type !== MessageType.SIGNAL || connection !== this.connection) return;
    if (message.interface === 'org.freedesktop.DBus' && message.member === 'NameOwnerChanged') {
      if (message.sender === 'org.freedesktop.DBus' && message.body[0] === BLUEZ) {
        this.onBluezOwner(String(message.body[2] ?? ''));
      }
      return;
    }
    if (message.sender !== this.bluezOwner) return;
    this.counters.signals++;
    if (message.interface === OBJECT_MANAGER && message.path === '/') {
      if (message.member === 'InterfacesAdded')
        this.onInterfacesAdded(String(message.body[0]), message.body[1]);
      else if (message.member === 'InterfacesRemoved')
        this.onInterfacesRemoved(String(message.body[0]), message.body[1]);
    } else if (message.interface === PROPERTIES && message.member === 'PropertiesChanged') {
      const [iface, changed, invalidated] = message.body as [unknown, unknown, unknown];
      const names = Array.isArray(invalidated) ? invalidated.map(String) : [];
      if (iface === DEVICE1) this.onDeviceProperties(message.path, unwrapProperties(changed), names);
      else if (iface === ADAPTER1 && message.path === this.path)
        this.onAdapterProperties(unwrapProperties(changed));
    }
  }

  private onBluezOwner(owner: string): void {
    const previous = this.bluezOwner;
    this.bluezOwner = owner === '' ? undefined : owner;
    if (this.state === 'running' && owner !== previous) this.fail(bluezLeft());
    if (owner !== '') this.retryNow();
  }

  private onInterfacesAdded(path: string, ifaces: unknown): void {
    const byInterface = (ifaces ?? {}) as Record<string, unknown>;
    if (path === this.path && ADAPTER1 in byInterface) {
      this.retryNow();
      return;
    }
    if (DEVICE1 in byInterface && path.startsWith(`${this.path}/`)) {
      this.devices.delete(path);
      this.onDeviceProperties(path, unwrapProperties(byInterface[DEVICE1]), []);
    }
  }

  private onInterfacesRemoved(path: string, names: unknown): void {
    const removed = Array.isArray(names) ? names.map(String) : [];
    if (path === this.path && removed.includes(ADAPTER1)) {
      this.devices.clear();
      if (this.state === 'running') this.fail(adapterRemoved(this.options.adapter));
      return;
    }
    if (removed.includes(DEVICE1)) this.devices.delete(path);
  }

  private onAdapterProperties(changed: Record<string, unknown>): void {
    if (changed.Powered === false && this.state === 'running')
      this.fail(adapterPoweredOff(this.options.adapter));
  }

  private onDeviceProperties(path: string, changed: Record<string, unknown>, invalidated: string[]): void {
    if (!path.startsWith(`${this.path}/`)) return;
    let device = this.devices.get(path);
    if (device === undefined) {
      device = newBluezDevice(path);
      this.devices.set(path, device);
    }
    const heard = updateBluezDevice(device, changed, invalidated);
    if (!this.scanning || this.state !== 'running') {
      // Heard by another client's discovery, or cached: it does not count, and is stale by the next scan.
      device.rssi = undefined;
      this.counters.notHeard++;
      return;
    }
    if (!heard) {
      this.counters.notHeard++;
      return;
    }
    const observation = observationOfBluezDevice(device, this.clock.now(), this.options.sensorId);
    if (observation === undefined) return;
    this.counters.observations++;
    this.options.onObservation(observation);
  }
}
