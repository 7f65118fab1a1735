/**
 * Runs a duty cycle on a clock: says when scanning should start and stop, and keeps one timer set
 * for the next change. What starting or stopping means (BlueZ discovery calls) is the caller's.
 */
import type { Clock, TimerHandle } from '../../clock/clock.ts';
import { dutyPhase, type DutyCycle } from '../../../core/window/dutyCycle.ts';

export class DutyCycleTimer {
  private active = false;
  private isScanning = false;
  private timer: TimerHandle | undefined;

  /** `onChange` runs when the phase flips; `at` is when the cycle called for it (Unix seconds). */
  constructor(
    private readonly clock: Clock,
    private readonly cycle: DutyCycle,
    private readonly onChange: (scanning: boolean, at: number) => void,
  ) {}

  /** True while the duty cycle says "scan" (and the timer runs). */
  get scanning(): boolean {
    return this.isScanning;
  }

  /** Enters the phase the cycle is in now and follows it from there. */
  start(): void {
    this.active = true;
    this.apply();
  }

  /** Clears the timer and leaves the scan phase, without calling `onChange`: the caller tears down. */
  stop(): void {
    this.active = false;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.isScanning = false;
  }

  private apply(scheduledFor?: number): void {
    if (!this.active) return;
    // A timer firing a hair early must still flip the phase it was set for.
    const now = Math.max(this.clock.now(), scheduledFor ?? -Infinity);
    const phase = dutyPhase(now, this.cycle);
    if (phase.scanning !== this.isScanning) {
      this.isScanning = phase.scanning;
      this.onChange(phase.scanning, now);
    }
    if (Number.isFinite(phase.nextChangeAt)) {
      const at = phase.nextChangeAt;
      this.timer = this.clock.setTimeout(() => this.apply(at), Math.max(0, Math.ceil((at - now) * 1000)));
    }
  }
}
