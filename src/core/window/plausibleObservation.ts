import type { Observation } from '../model.ts';

/** What was wrong with an observation: 'no-timestamp' drops it, 'implausible-rssi' only its RSSI. */
export type ObservationFlaw = 'no-timestamp' | 'implausible-rssi';

/** Received levels outside this are radio-header bugs (radiotap's dBm field is a signed byte). */
const LOWEST_DBM = -150;

/**
 * The boundary check every observation passes before it is windowed, live or replayed: a frame
 * without a finite time cannot be placed in a window; an RSSI of 0 dBm or more (or below any
 * noise floor) is a bug of the radio header, so the level is dropped and the frame still names
 * its device. Returns the flaw to count, or undefined; `o` loses a bad RSSI in place.
 */
export function checkObservation(o: Observation): ObservationFlaw | undefined {
  if (!Number.isFinite(o.t) || o.t < 0) return 'no-timestamp';
  if (o.rssi !== undefined && !(o.rssi < 0 && o.rssi >= LOWEST_DBM)) {
    delete o.rssi;
    return 'implausible-rssi';
  }
  return undefined;
}
