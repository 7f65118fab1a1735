import type { BluezEvent } from './bluezEvents.ts';

function iso(t: number): string {
  return new Date(t * 1000).toISOString();
}

/**
 * One log line for a scanner event, or undefined for the routine ones (discovery flipping every
 * duty cycle). Events carry no addresses and failure texts are scrubbed, so the line is safe to log.
 */
export function describeBluezEvent(event: BluezEvent): string | undefined {
  switch (event.type) {
    case 'started':
      return `Bluetooth: scanning with ${event.adapter} (${event.continuous ? 'continuous' : 'duty-cycled'})`;
    case 'failed':
      return `Bluetooth: ${event.failure.message}. Fix: ${event.failure.fix}`;
    case 'retrying':
      return `Bluetooth: retrying in ${(event.delayMs / 1000).toFixed(1)} s (attempt ${event.attempt})`;
    case 'recovered':
      return `Bluetooth: scanning again; nothing was heard for ${(event.to - event.from).toFixed(1)} s (${iso(event.from)} to ${iso(event.to)})`;
    case 'stopped':
      return 'Bluetooth: stopped';
    case 'watchdog':
      return `Bluetooth: ${event.reason === 'silent' ? `nothing heard for ${event.silentSeconds.toFixed(0)} s of scanning` : 'BlueZ turned discovery off by itself'}; ${event.action === 'power-cycle' ? 'powering the adapter off and on' : 'restarting discovery'} (watchdog, counted in /metrics)`;
    case 'discovery':
      return undefined;
  }
}
