/**
 * The original tracker scanned 10 s every minute; a continuous capture scans all the time.
 * Scans start on period boundaries (a 60 s period starts on the minute), so the scan falls
 * inside one counting window and several sensors scan at the same moments.
 */
export interface DutyCycle {
  scanSeconds: number;
  periodSeconds: number;
}

export interface DutyPhase {
  scanning: boolean;
  /** When the phase flips next; Infinity for a continuous capture. */
  nextChangeAt: number;
}

export function isContinuous(cycle: DutyCycle): boolean {
  return cycle.scanSeconds >= cycle.periodSeconds;
}

export function dutyPhase(t: number, cycle: DutyCycle): DutyPhase {
  if (isContinuous(cycle)) return { scanning: true, nextChangeAt: Infinity };
  const periodStart = Math.floor(t / cycle.periodSeconds) * cycle.periodSeconds;
  const scanEnd = periodStart + cycle.scanSeconds;
  return t < scanEnd
    ? { scanning: true, nextChangeAt: scanEnd }
    : { scanning: false, nextChangeAt: periodStart + cycle.periodSeconds };
}
