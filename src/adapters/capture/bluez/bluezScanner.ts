import type { Message } from 'dbus-next';
import { isContinuous, type DutyCycle } from '../../../core/window/dutyCycle.ts';
import { systemClock, type Clock } from '../../clock/clock.ts';
import {
  ADAPTER1,
  ADAPTER_NAME,
  BLUEZ,
  DEVICE1,
  adapterCall,
  adapterPath,
  getManagedObjects,
  getNameOwner,
  setPowered,
  unwrapProperties,
} from './bluezBus.ts';
import {
  callOn,
  closeBluezConnection,
  dropBluezConnection,
  openBluezConnection,
  subscribeToBluez,
  type BluezConnection,
} from './bluezConnection.ts';
import { observationOfBluezDevice } from './bluezDevice.ts';
import { BluezDeviceTable, type BluezDeviceUpdate } from './bluezDeviceTable.ts';
import { restartBluezDiscovery, startBluezDiscovery, stopBluezDiscovery } from './bluezDiscovery.ts';
import type { BluezEvent } from './bluezEvents.ts';
import type { BluezCounters, BluezScannerOptions } from './bluezScannerOptions.ts';
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
import { bluezSignalOf } from './bluezSignals.ts';
import { DiscoveryWatchdog, type WatchdogAction, type WatchdogReason } from './discoveryWatchdog.ts';
import { DutyCycleTimer } from './dutyCycleTimer.ts';
import { RetryBackoff } from './retryBackoff.ts';

// The scanner's events, options and counters are part of its interface: callers import them from here.
export type { BluezEvent } from './bluezEvents.ts';
export type { BluezCounters, BluezScannerOptions } from './bluezScannerOptions.ts';

const CONTINUOUS: DutyCycle = { scanSeconds: 60, periodSeconds: 60 };

type State = 'idle' | 'connecting' | 'running' | 'down' | 'stopped';

/**
 * Live Bluetooth scanning through BlueZ over D-Bus: powers the adapter, sets a discovery filter
 * (LE and BR/EDR, duplicate data on), starts and stops discovery on the duty cycle, and turns
 * Device1 signals into Observations. Failures (no BlueZ, no adapter, no permission, the adapter
 * or BlueZ going away, the bus breaking) are reported with a fix and retried with backoff; an
 * adapter or BlueZ coming back wakes the retry at once.
 *
 * This class is the supervisor: it owns the state and decides what happens next. The connection
 * (bluezConnection.ts), the duty cycle's timer (dutyCycleTimer.ts), the retry delays
 * (retryBackoff.ts), the device objects (bluezDeviceTable.ts) and the sorting of signals
 * (bluezSignals.ts) each live in their own file.
 *
 * Events never carry an address; device names are escaped (see displayText.ts).
 */
export class BluezScanner {
  readonly counters: BluezCounters = { signals: 0, observations: 0, notHeard: 0, watchdogRestarts: 0 };
  private state: State = 'idle';
  /** Bumped on every failure and stop, so work started before it is dropped. */
  private generation = 0;
  private connection: BluezConnection | undefined;
  private bluezOwner: string | undefined;
  /** Discovery is on at BlueZ, as far as this client knows. */
  private discovering = false;
  /** Discovery calls, chained so they reach BlueZ in the order the duty cycle asked for them. */
  private discoveryCalls: Promise<void> = Promise.resolve();
  private downSince: number | undefined;
  /** The watchdog is restarting discovery: the adapter's own signals about it are expected. */
  private restarting = false;
  private readonly clock: Clock;
  private readonly cycle: DutyCycle;
  private readonly path: string;
  private readonly devices: BluezDeviceTable;
  private readonly phases: DutyCycleTimer;
  private readonly backoff: RetryBackoff;
  private readonly watchdog: DiscoveryWatchdog;

  constructor(private readonly options: BluezScannerOptions) {
    this.clock = options.clock ?? systemClock;
    this.cycle = options.scan ?? CONTINUOUS;
    this.path = adapterPath(options.adapter);
    this.devices = new BluezDeviceTable(this.path);
    this.phases = new DutyCycleTimer(this.clock, this.cycle, (scanning, at) => this.onPhase(scanning, at));
    this.watchdog = new DiscoveryWatchdog({
      clock: this.clock,
      silenceSeconds: options.watchdogSeconds ?? 300,
      onStall: (stall) => this.onStall(stall),
    });
    this.backoff = new RetryBackoff(
      this.clock,
      options.initialBackoffMs ?? 1000,
      options.maxBackoffMs ?? 60_000,
    );
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
    this.backoff.reset();
    this.downSince = undefined;
    await this.connect();
  }

  async stop(): Promise<void> {
    if (this.state === 'idle' || this.state === 'stopped') return;
    this.state = 'stopped';
    this.generation++;
    this.phases.stop();
    this.watchdog.stop();
    this.backoff.cancel();
    await this.discoveryCalls;
    const connection = this.connection;
    if (this.discovering && connection !== undefined) {
      try {
        await callOn(connection, adapterCall(this.options.adapter, 'StopDiscovery'));
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

  // ---- connecting ------------------------------------------------------------------------------

  private async connect(): Promise<void> {
    this.state = 'connecting';
    this.backoff.attemptStarting();
    const generation = ++this.generation;
    let during = 'connecting to the system D-Bus';
    try {
      if (!ADAPTER_NAME.test(this.options.adapter))
        throw new BluezFailureError(noAdapter(this.options.adapter, []));
      this.connection ??= openBluezConnection(this.options, {
        onMessage: (connection, message) => this.onMessage(connection, message),
        onLost: (connection) => this.onConnectionLost(connection),
      });
      const connection = this.connection;
      // Subscribe first: BlueZ taking its name or adding the adapter later wakes a retry.
      await subscribeToBluez(connection, this.options.adapter);
      during = 'looking for BlueZ';
      const owner = await callOn(connection, getNameOwner(BLUEZ)).catch((error: unknown) => {
        const name = (error as { type?: unknown }).type;
        if (name === 'org.freedesktop.DBus.Error.NameHasNoOwner') throw new BluezFailureError(noBluez());
        throw error;
      });
      this.bluezOwner = String(owner.body[0]);
      during = 'listing BlueZ objects';
      const objects = (await callOn(connection, getManagedObjects())).body[0] as Record<string, unknown>;
      if (generation !== this.generation) return;
      const adapter = this.devices.seed(objects);
      if (adapter === undefined)
        throw new BluezFailureError(noAdapter(this.options.adapter, adapterNamesIn(objects)));
      if (adapter.Powered !== true) {
        during = 'powering the adapter on';
        await callOn(connection, setPowered(this.options.adapter, true));
      }
      if (generation !== this.generation) return;
      this.state = 'running';
      this.backoff.reset();
      this.emit({ type: 'started', adapter: this.options.adapter, continuous: isContinuous(this.cycle) });
      if (this.downSince !== undefined) {
        this.emit({ type: 'recovered', from: this.downSince, to: this.clock.now() });
        this.downSince = undefined;
      }
      this.phases.start();
    } catch (error) {
      if (generation !== this.generation) return;
      this.fail(classifyBluezError(error, this.options.adapter, during));
    }
  }

  private async closeConnection(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (connection !== undefined) await closeBluezConnection(connection, this.options.adapter);
  }

  // ---- failures and retries ------------------------------------------------------------------

  private fail(failure: BluezFailure): void {
    if (this.state === 'stopped') return;
    this.generation++;
    this.state = 'down';
    this.phases.stop();
    this.watchdog.stop();
    this.backoff.cancel();
    this.discovering = false;
    this.downSince ??= this.clock.now();
    this.emit({ type: 'failed', failure });
    const { delayMs, attempt } = this.backoff.nextDelay();
    this.emit({ type: 'retrying', delayMs, attempt });
    this.backoff.schedule(() => this.retryNow(), delayMs);
  }

  /** Retries at once: when the backoff ends, or when BlueZ or the adapter shows up again. */
  private retryNow(): void {
    if (this.state === 'connecting') this.backoff.requestWake();
    if (this.state !== 'down') return;
    this.backoff.cancel();
    void this.connect();
  }

  private onConnectionLost(connection: BluezConnection): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    dropBluezConnection(connection);
    // While connecting, the pending call fails with the connection's error and reports it.
    if (this.state === 'running') this.fail(busLost());
    else if (this.state === 'down') this.retryNow();
  }

  // ---- duty cycle ------------------------------------------------------------------------------

  /** The duty cycle flipped at `at`: discovery follows it. */
  private onPhase(scanning: boolean, at: number): void {
    // A new scan, or none: RSSIs from before do not say who is here now.
    this.devices.forgetRssi();
    if (!scanning) this.watchdog.discoveryPaused();
    const generation = this.generation;
    this.enqueue(generation, scanning ? () => this.startDiscovery(at) : () => this.stopDiscovery(at));
  }

  /** Runs discovery calls one after another; a failure of the current generation is reported. */
  private enqueue(generation: number, op: () => Promise<void>): void {
    this.discoveryCalls = this.discoveryCalls.then(async () => {
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
    await startBluezDiscovery((message) => callOn(connection, message), this.options.adapter);
    this.discovering = true;
    this.watchdog.discoveryStarted();
    this.emit({ type: 'discovery', active: true, at });
  }

  private async stopDiscovery(at: number): Promise<void> {
    const connection = this.connection;
    if (connection === undefined) return;
    await stopBluezDiscovery((message) => callOn(connection, message), this.options.adapter);
    this.discovering = false;
    this.emit({ type: 'discovery', active: false, at });
  }

  // ---- watchdog ------------------------------------------------------------------------------

  /** Discovery went silent or off by itself: restart it, or power the adapter off and on. */
  private onStall(stall: { reason: WatchdogReason; action: WatchdogAction; silentSeconds: number }): void {
    if (this.state !== 'running') return;
    this.counters.watchdogRestarts++;
    this.emit({ type: 'watchdog', ...stall });
    const connection = this.connection;
    if (connection === undefined) return;
    this.enqueue(this.generation, async () => {
      this.restarting = true;
      try {
        const scanning = this.phases.scanning;
        await restartBluezDiscovery(
          (m) => callOn(connection, m),
          this.options.adapter,
          stall.action,
          scanning,
        );
        this.discovering = scanning;
        if (scanning) this.watchdog.discoveryStarted();
      } finally {
        this.restarting = false;
      }
    });
  }

  // ---- signals -------------------------------------------------------------------------------

  private onMessage(connection: BluezConnection, message: Message): void {
    if (connection !== this.connection) return;
    const signal = bluezSignalOf(message, this.bluezOwner, this.path);
    if (signal === undefined) return;
    if (signal.kind === 'bluez-owner') {
      this.onBluezOwner(signal.owner);
      return;
    }
    this.counters.signals++;
    switch (signal.kind) {
      case 'interfaces-added':
        this.onInterfacesAdded(signal.path, signal.interfaces);
        break;
      case 'interfaces-removed':
        this.onInterfacesRemoved(signal.path, signal.interfaces);
        break;
      case 'device-properties':
        this.onDeviceUpdate(this.devices.update(signal.path, signal.changed, signal.invalidated));
        break;
      case 'adapter-properties':
        if (this.restarting || this.state !== 'running') break;
        if (signal.changed.Powered === false) this.fail(adapterPoweredOff(this.options.adapter));
        else if (signal.changed.Discovering === false && this.discovering && this.phases.scanning)
          this.watchdog.discoveryTurnedOff();
        break;
      case 'other':
        break;
    }
  }

  private onBluezOwner(owner: string): void {
    const previous = this.bluezOwner;
    this.bluezOwner = owner === '' ? undefined : owner;
    if (this.state === 'running' && owner !== previous) this.fail(bluezLeft());
    if (owner !== '') this.retryNow();
  }

  private onInterfacesAdded(path: string, interfaces: Record<string, unknown>): void {
    if (path === this.path && ADAPTER1 in interfaces) {
      this.retryNow();
      return;
    }
    if (DEVICE1 in interfaces)
      this.onDeviceUpdate(this.devices.replace(path, unwrapProperties(interfaces[DEVICE1])));
  }

  private onInterfacesRemoved(path: string, removed: string[]): void {
    if (path === this.path && removed.includes(ADAPTER1)) {
      this.devices.clear();
      if (this.state === 'running') this.fail(adapterRemoved(this.options.adapter));
      return;
    }
    if (removed.includes(DEVICE1)) this.devices.delete(path);
  }

  /** Counts a device update, and reports it as an observation when it was heard in this scan. */
  private onDeviceUpdate(update: BluezDeviceUpdate | undefined): void {
    if (update === undefined) return;
    if (!this.phases.scanning || this.state !== 'running') {
      // Heard by another client's discovery, or cached: it does not count, and is stale by the next scan.
      update.device.rssi = undefined;
      this.counters.notHeard++;
      return;
    }
    if (!update.heard) {
      this.counters.notHeard++;
      return;
    }
    this.watchdog.heard();
    const observation = observationOfBluezDevice(update.device, this.clock.now(), this.options.sensorId);
    if (observation === undefined) return;
    this.counters.observations++;
    this.options.onObservation(observation);
  }
}

/** The adapter names (hci0, ...) in a GetManagedObjects reply, for a "no such adapter" message. */
function adapterNamesIn(objects: Record<string, unknown>): string[] {
  return Object.entries(objects)
    .filter(([, ifaces]) => ADAPTER1 in (ifaces as object))
    .map(([path]) => path.slice(path.lastIndexOf('/') + 1));
}
