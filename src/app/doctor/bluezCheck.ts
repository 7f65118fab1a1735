import {
  ADAPTER1,
  BLUEZ,
  adapterPath,
  getManagedObjects,
  getNameOwner,
  unwrapProperties,
} from '../../adapters/capture/bluez/bluezBus.ts';
import {
  callOn,
  closeBluezConnection,
  openBluezConnection,
} from '../../adapters/capture/bluez/bluezConnection.ts';
import {
  BluezFailureError,
  classifyBluezError,
  noAdapter,
  noBluez,
} from '../../adapters/capture/bluez/bluezFailure.ts';
import { fail, pass, skip, type CheckResult } from './doctorCheck.ts';

const TITLE = 'BlueZ on D-Bus with a powered adapter';

/**
 * BlueZ answers on the system D-Bus (DBUS_SYSTEM_BUS_ADDRESS when set) and has the configured
 * adapter, powered. The scanner powers it itself when it can, but an rfkill block or a missing
 * adapter it cannot mend: those are worth knowing before the service starts.
 */
export async function bluezCheck(bluetooth: { enabled: boolean; adapter: string }): Promise<CheckResult> {
  if (!bluetooth.enabled) return skip('bluez', TITLE, 'Bluetooth scanning is off (sensor.bluetooth.enabled)');
  const { adapter } = bluetooth;
  const connection = openBluezConnection({}, { onMessage: () => {}, onLost: () => {} });
  try {
    await callOn(connection, getNameOwner(BLUEZ)).catch((error: unknown) => {
      if ((error as { type?: unknown }).type === 'org.freedesktop.DBus.Error.NameHasNoOwner')
        throw new BluezFailureError(noBluez());
      throw error;
    });
    const objects = (await callOn(connection, getManagedObjects())).body[0] as Record<
      string,
      Record<string, unknown>
    >;
    const ifaces = objects[adapterPath(adapter)];
    if (ifaces === undefined || !(ADAPTER1 in ifaces)) {
      const names = Object.entries(objects)
        .filter(([, i]) => ADAPTER1 in i)
        .map(([path]) => path.slice(path.lastIndexOf('/') + 1));
      throw new BluezFailureError(noAdapter(adapter, names));
    }
    const props = unwrapProperties(ifaces[ADAPTER1]);
    if (props['Powered'] !== true)
      return fail(
        'bluez',
        TITLE,
        `adapter ${adapter} is powered off`,
        `power it on: \`bluetoothctl power on\` (an rfkill block first: \`rfkill list\`, \`sudo rfkill unblock bluetooth\`)`,
      );
    return pass('bluez', TITLE, `BlueZ answers; adapter ${adapter} is powered`);
  } catch (error) {
    const failure = classifyBluezError(error, adapter, 'checking');
    return fail('bluez', TITLE, failure.message, failure.fix);
  } finally {
    await closeBluezConnection(connection, adapter).catch(() => {});
  }
}
