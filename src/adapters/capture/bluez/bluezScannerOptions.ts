/** What a BluezScanner is given, and what it counts. */
import type { MessageBus } from 'dbus-next';
import type { Observation } from '../../../core/model.ts';
import type { DutyCycle } from '../../../core/window/dutyCycle.ts';
import type { Clock } from '../../clock/clock.ts';
import type { BluezEvent } from './bluezEvents.ts';

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
  /**
   * Seconds of scanning without a single advertisement after which discovery is restarted (a
   * known failure of BlueZ on Pis); 0 turns the watchdog off. Default 300.
   */
  watchdogSeconds?: number;
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
  /** Discovery restarts (or adapter power cycles) by the watchdog after discovery went silent. */
  watchdogRestarts: number;
}
