import type { Medium } from '../model.ts';

/**
 * Carrier frequencies for the path-loss formula, which wants `f` in MHz. Wi-Fi and BLE number
 * their channels differently (Wi-Fi 1 is 2412 MHz, BLE 37 is 2402 MHz), so the medium matters.
 */

/** Used when a frame's channel is unknown: the middle of the 2.4 GHz band each radio uses. */
export const DEFAULT_FREQUENCY_MHZ: Readonly<Record<Medium, number>> = { wifi: 2437, ble: 2440 };

/** 2.4 GHz channels 1-13 are 5 MHz apart from 2412; channel 14 (Japan) sits alone at 2484. */
function wifiFrequency(channel: number): number | undefined {
  if (channel >= 1 && channel <= 13) return 2407 + 5 * channel;
  if (channel === 14) return 2484;
  // 5 GHz channels 32-177; 6 GHz reuses 1-233 and cannot be told apart from the number alone.
  if (channel >= 32 && channel <= 177) return 5000 + 5 * channel;
  return undefined;
}

/** BLE: advertising channels 37, 38, 39 at 2402, 2426, 2480; data channels 0-36 fill the gaps. */
function bleFrequency(channel: number): number | undefined {
  if (channel === 37) return 2402;
  if (channel === 38) return 2426;
  if (channel === 39) return 2480;
  if (channel >= 0 && channel <= 10) return 2404 + 2 * channel;
  if (channel >= 11 && channel <= 36) return 2406 + 2 * channel;
  return undefined;
}

/** The centre frequency of a channel in MHz, or undefined for a channel number that does not exist. */
export function channelFrequencyMhz(channel: number, medium: Medium): number | undefined {
  if (!Number.isInteger(channel)) return undefined;
  return medium === 'ble' ? bleFrequency(channel) : wifiFrequency(channel);
}

/** The frequency to use for one frame: its own when known, else its channel's, else the band default. */
export function frameFrequencyMhz(frame: { medium: Medium; channel?: number; freqMhz?: number }): number {
  if (frame.freqMhz !== undefined && frame.freqMhz > 0) return frame.freqMhz;
  const f = frame.channel === undefined ? undefined : channelFrequencyMhz(frame.channel, frame.medium);
  return f ?? DEFAULT_FREQUENCY_MHZ[frame.medium];
}
