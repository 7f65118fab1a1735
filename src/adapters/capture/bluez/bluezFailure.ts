/** What went wrong talking to BlueZ, in words a user can act on. Never carries an address. */
export interface BluezFailure {
  kind: 'no-bluez' | 'no-adapter' | 'not-permitted' | 'adapter-gone' | 'error';
  message: string;
  fix: string;
}

/** A failure raised on purpose inside the scanner (no adapter, adapter removed, ...). */
export class BluezFailureError extends Error {
  constructor(readonly failure: BluezFailure) {
    super(failure.message);
  }
}

const FIX_START_BLUEZ =
  'start BlueZ: `sudo systemctl start bluetooth` (install it with `sudo apt-get install bluez`); ' +
  '`systemctl status bluetooth` and `journalctl -u bluetooth` say why it is not running';
const FIX_PERMISSION =
  'run the sensor as root, or let its user talk to BlueZ: `sudo usermod -aG bluetooth $USER` (then log in again) ' +
  'where /etc/dbus-1/system.d/bluetooth.conf allows the bluetooth group, or add a <policy user="..."> ' +
  'with <allow send_destination="org.bluez"/> there';
const FIX_RFKILL = 'unblock it: `sudo rfkill unblock bluetooth` (`rfkill list` shows soft and hard blocks)';
const FIX_NO_ADAPTER =
  'check `bluetoothctl list` (and `hciconfig -a`) for the adapters BlueZ sees and pass the right name; ' +
  '`rfkill list` / `sudo rfkill unblock bluetooth` for a blocked one; `dmesg | grep -i bluetooth` for a missing driver or firmware';

/** Six octets separated by ':', '-' or '_' (BlueZ object paths use '_'), in any case. */
const ADDRESS_PATTERN =
  /(?<![0-9A-Fa-f])[0-9A-Fa-f]{2}([:_-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}(?![0-9A-Fa-f])/g;
const ADDRESS_HEX_PATTERN = /(?<![0-9A-Fa-f])[0-9A-Fa-f]{12}(?![0-9A-Fa-f])/g;

/** Replaces anything shaped like a Bluetooth address, so error text from BlueZ can be logged. */
export function scrubAddresses(text: string): string {
  return text.replace(ADDRESS_PATTERN, 'XX:XX:XX:XX:XX:XX').replace(ADDRESS_HEX_PATTERN, 'XXXXXXXXXXXX');
}

/** One line of at most 200 characters: D-Bus error texts can carry stacks and newlines. */
function oneLine(text: string): string {
  const line = scrubAddresses(text).replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

export function noBluez(): BluezFailure {
  return {
    kind: 'no-bluez',
    message: 'BlueZ (org.bluez) is not running on the system D-Bus',
    fix: FIX_START_BLUEZ,
  };
}

export function noAdapter(adapter: string, available: readonly string[]): BluezFailure {
  const known =
    available.length === 0 ? 'BlueZ sees no adapter at all' : `BlueZ sees ${available.join(', ')}`;
  return {
    kind: 'no-adapter',
    message: `there is no Bluetooth adapter ${adapter} (${known})`,
    fix: FIX_NO_ADAPTER,
  };
}

export function adapterRemoved(adapter: string): BluezFailure {
  return {
    kind: 'adapter-gone',
    message: `the Bluetooth adapter ${adapter} went away (unplugged, or its driver was reset)`,
    fix: 'plug it back in; scanning resumes by itself when BlueZ sees it again (`bluetoothctl list`, `dmesg | grep -i bluetooth`)',
  };
}

export function adapterPoweredOff(adapter: string): BluezFailure {
  return {
    kind: 'adapter-gone',
    message: `the Bluetooth adapter ${adapter} was powered off (rfkill, or another program)`,
    fix: `scanning resumes by itself when it can be powered again; ${FIX_RFKILL}`,
  };
}

export function bluezLeft(): BluezFailure {
  return {
    kind: 'adapter-gone',
    message: 'BlueZ (bluetoothd) left the system D-Bus: it stopped or crashed',
    fix: 'scanning resumes by itself when it is back; if it is not restarted automatically: `sudo systemctl restart bluetooth`, and see `journalctl -u bluetooth`',
  };
}

export function busLost(): BluezFailure {
  return {
    kind: 'error',
    message: 'the connection to the system D-Bus was lost',
    fix: 'the scanner reconnects by itself; if this repeats, see `systemctl status dbus`',
  };
}

interface ErrorLike {
  code?: unknown;
  type?: unknown;
  text?: unknown;
  message?: unknown;
}

/**
 * Turns an error from the D-Bus connection or a BlueZ call into a failure; `during` names what
 * the scanner was doing ('StartDiscovery', 'connecting to D-Bus', ...).
 */
export function classifyBluezError(error: unknown, adapter: string, during: string): BluezFailure {
  if (error instanceof BluezFailureError) return error.failure;
  const e: ErrorLike = typeof error === 'object' && error !== null ? (error as ErrorLike) : {};
  const code = typeof e.code === 'string' ? e.code : undefined;
  const name = typeof e.type === 'string' ? e.type : undefined;
  const text = oneLine(
    typeof e.text === 'string' ? e.text : typeof e.message === 'string' ? e.message : String(error),
  );
  if (code === 'ENOENT' || code === 'ECONNREFUSED') {
    return {
      kind: 'no-bluez',
      message: `cannot connect to the system D-Bus (${code}), so BlueZ cannot be reached`,
      fix:
        "start D-Bus and BlueZ: `sudo systemctl start dbus bluetooth`; in a container, mount the host's " +
        '/run/dbus/system_bus_socket or set DBUS_SYSTEM_BUS_ADDRESS',
    };
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return {
      kind: 'not-permitted',
      message: `not allowed to connect to the system D-Bus (${code})`,
      fix: FIX_PERMISSION,
    };
  }
  switch (name) {
    case 'org.freedesktop.DBus.Error.ServiceUnknown':
    case 'org.freedesktop.DBus.Error.NameHasNoOwner':
      return noBluez();
    case 'org.freedesktop.DBus.Error.AccessDenied':
    case 'org.freedesktop.DBus.Error.AuthFailed':
    case 'org.bluez.Error.NotAuthorized':
    case 'org.bluez.Error.NotPermitted':
      return {
        kind: 'not-permitted',
        message: `not allowed to use BlueZ (${during}: ${name})`,
        fix: FIX_PERMISSION,
      };
    case 'org.freedesktop.DBus.Error.UnknownObject':
    case 'org.freedesktop.DBus.Error.UnknownMethod':
    case 'org.bluez.Error.DoesNotExist':
      return adapterRemoved(adapter);
    case 'org.bluez.Error.NotReady':
      return {
        kind: 'no-adapter',
        message: `the Bluetooth adapter ${adapter} is not ready (${during}): it is powered off or being reset`,
        fix: `${FIX_RFKILL}; \`bluetoothctl power on\``,
      };
    case 'org.freedesktop.DBus.Error.NoReply':
    case 'org.freedesktop.DBus.Error.Timeout':
      return {
        kind: 'error',
        message: `BlueZ did not answer ${during}`,
        fix: '`sudo systemctl restart bluetooth`, and see `journalctl -u bluetooth`',
      };
    default:
      break;
  }
  if (/rfkill/i.test(text)) {
    return {
      kind: 'no-adapter',
      message: `the Bluetooth adapter ${adapter} is blocked by rfkill`,
      fix: FIX_RFKILL,
    };
  }
  return {
    kind: 'error',
    message: `${during} failed: ${name === undefined ? '' : `${name}: `}${text}`,
    fix: 'see `journalctl -u bluetooth`; the scanner retries by itself',
  };
}
