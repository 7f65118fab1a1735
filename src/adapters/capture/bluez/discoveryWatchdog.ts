/**
 * Notices BLE discovery that stopped without saying so. On Raspberry Pis BlueZ and the onboard
 * controller are known to stop delivering advertisements while discovery still reads as on, or
 * to turn discovery off under the client: the scanner then hears nothing, and nothing fails.
 * The watchdog counts the seconds spent scanning since anything was last heard (only scan
 * phases count, so a 10/60 duty cycle is judged on its scanning time) and, past the limit, asks
 * for a restart: discovery stopped and started again first; if nothing is heard after that
 * either, the adapter powered off and on.
 */
import type { Clock, TimerHandle } from '../../clock/clock.ts';

export type WatchdogAction = 'restart-discovery' | 'power-cycle';
export type WatchdogReason = 'silent' | 'discovery-stopped';

export interface DiscoveryWatchdogOptions {
  clock: Clock;
  /** Seconds of scanning without one advertisement before discovery counts as stalled; 0 turns it off. */
  silenceSeconds: number;
  /** How often the silence is checked, ms (default 1000). */
  checkEveryMs?: number;
  onStall(stall: { reason: WatchdogReason; action: WatchdogAction; silentSeconds: number }): void;
}

export class DiscoveryWatchdog {
  /** Scanning seconds of silence in scan phases that have ended. */
  private silentBefore = 0;
  /** When the current scan phase (or the silence in it) began; undefined outside scan phases. */
  private scanningSince: number | undefined;
  /** Restarts since anything was last heard: the second in a row powers the adapter off and on. */
  private restartsInARow = 0;
  private timer: TimerHandle | undefined;

  constructor(private readonly options: DiscoveryWatchdogOptions) {}

  get enabled(): boolean {
    return this.options.silenceSeconds > 0;
  }

  /** Discovery is on (again): the scanning time starts counting. */
  discoveryStarted(): void {
    if (!this.enabled) return;
    this.scanningSince = this.options.clock.now();
    if (this.timer === undefined)
      this.timer = this.options.clock.setInterval(() => this.check(), this.options.checkEveryMs ?? 1000);
  }

  /** The duty cycle ended the scan phase: its silence is kept, the clock stops. */
  discoveryPaused(): void {
    if (this.scanningSince === undefined) return;
    this.silentBefore += this.options.clock.now() - this.scanningSince;
    this.scanningSince = undefined;
  }

  /** An advertisement was heard: discovery works. */
  heard(): void {
    this.silentBefore = 0;
    this.restartsInARow = 0;
    if (this.scanningSince !== undefined) this.scanningSince = this.options.clock.now();
  }

  /**
   * BlueZ says discovery went off while the duty cycle wants it on. Returns true when it counts
   * as a stall (and was reported).
   */
  discoveryTurnedOff(): boolean {
    if (!this.enabled || this.scanningSince === undefined) return false;
    this.stall('discovery-stopped');
    return true;
  }

  /** Stops checking (the scanner stopped or failed; it starts the watchdog again when it scans). */
  stop(): void {
    this.options.clock.clearInterval(this.timer);
    this.timer = undefined;
    this.scanningSince = undefined;
    this.silentBefore = 0;
  }

  /** Seconds of scanning since anything was heard. */
  silentSeconds(): number {
    const open = this.scanningSince === undefined ? 0 : this.options.clock.now() - this.scanningSince;
    return this.silentBefore + open;
  }

  private check(): void {
    if (this.scanningSince !== undefined && this.silentSeconds() >= this.options.silenceSeconds)
      this.stall('silent');
  }

  private stall(reason: WatchdogReason): void {
    const silentSeconds = this.silentSeconds();
    this.restartsInARow++;
    const action: WatchdogAction = this.restartsInARow >= 2 ? 'power-cycle' : 'restart-discovery';
    if (action === 'power-cycle') this.restartsInARow = 0;
    // The restart gets its own full allowance before it is judged.
    this.silentBefore = 0;
    this.scanningSince = this.options.clock.now();
    this.options.onStall({ reason, action, silentSeconds });
  }
}
