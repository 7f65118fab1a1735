import type { BluezFailure } from './bluezFailure.ts';

/**
 * What the scanner reports about itself, apart from observations. Events never carry an address
 * (failure texts are scrubbed), so they are safe to log; see bluezEventText.ts for the log lines.
 */
export type BluezEvent =
  /** BlueZ answered, the adapter is powered and the discovery filter set; `continuous` or duty-cycled. */
  | { type: 'started'; adapter: string; continuous: boolean }
  /** Discovery was started or stopped (at `at`, Unix seconds). */
  | { type: 'discovery'; active: boolean; at: number }
  | { type: 'failed'; failure: BluezFailure }
  | { type: 'retrying'; delayMs: number; attempt: number }
  /** Scanning works again after failing from `from` to `to` (Unix seconds): nothing was heard then. */
  | { type: 'recovered'; from: number; to: number }
  /**
   * Discovery had heard nothing for `silentSeconds` of scanning, or BlueZ turned it off by
   * itself: the watchdog restarted it (or powered the adapter off and on).
   */
  | {
      type: 'watchdog';
      reason: 'silent' | 'discovery-stopped';
      action: 'restart-discovery' | 'power-cycle';
      silentSeconds: number;
    }
  | { type: 'stopped' };
