/**
 * Starting and stopping discovery on an adapter. BlueZ keeps discovery per client and answers
 * a call that changes nothing with an error; these treat that error as the goal reached.
 */
import type { Message } from 'dbus-next';
import { adapterCall, setDiscoveryFilter, setPowered } from './bluezBus.ts';

/** Sends a method call and resolves with its reply (callOn, bound to a connection). */
export type BluezCall = (message: Message) => Promise<Message>;

/**
 * Sets the discovery filter, then starts. The filter is kept per client by BlueZ; setting it
 * before every start means a bluetoothd that restarted since still scans the way we asked.
 */
export async function startBluezDiscovery(call: BluezCall, adapter: string): Promise<void> {
  await call(setDiscoveryFilter(adapter));
  try {
    await call(adapterCall(adapter, 'StartDiscovery'));
  } catch (error) {
    // Already discovering for this client: nothing to do.
    if ((error as { type?: unknown }).type !== 'org.bluez.Error.InProgress') throw error;
  }
}

export async function stopBluezDiscovery(call: BluezCall, adapter: string): Promise<void> {
  try {
    await call(adapterCall(adapter, 'StopDiscovery'));
  } catch (error) {
    // "No discovery started": BlueZ already stopped it (power cycle); the goal is reached.
    if ((error as { type?: unknown }).type !== 'org.bluez.Error.Failed') throw error;
  }
}

/**
 * The watchdog's remedy for discovery that went silent: stop and start it, or (`power-cycle`)
 * power the adapter off and on first, which resets the controller. Discovery is started again
 * only when the duty cycle is in a scan phase (`scanning`).
 */
export async function restartBluezDiscovery(
  call: BluezCall,
  adapter: string,
  action: 'restart-discovery' | 'power-cycle',
  scanning: boolean,
): Promise<void> {
  if (action === 'power-cycle') {
    await call(setPowered(adapter, false));
    await call(setPowered(adapter, true));
  } else await stopBluezDiscovery(call, adapter);
  if (scanning) await startBluezDiscovery(call, adapter);
}
