import { SystemdNotifier } from '../adapters/service/systemdNotifier.ts';
import { untilSignal } from './configFlags.ts';

/**
 * A started command as a service: tells systemd it is ready (and starts feeding the watchdog when
 * the unit has one), runs until Ctrl-C or SIGTERM, says it is stopping, then stops. Outside
 * systemd only the waiting and stopping remain.
 */
export async function serveUntilSignal(
  running: { stop(): Promise<void> },
  status: string,
  log: (line: string) => void,
): Promise<void> {
  const notifier = new SystemdNotifier({ log });
  await notifier.ready(status);
  await untilSignal();
  await notifier.stopping();
  await running.stop();
}
