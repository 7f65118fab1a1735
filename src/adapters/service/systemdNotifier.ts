/**
 * Talks to systemd when airtrace runs as a `Type=notify` service (deploy/systemd): READY=1 once
 * started, STATUS= lines, STOPPING=1 on the way out, and WATCHDOG=1 every half `WatchdogSec`
 * from this process's own timers, so a process whose event loop hangs stops pinging and systemd
 * restarts it.
 *
 * sd_notify(3) is a datagram on the unix socket named by $NOTIFY_SOCKET. Node (20) has no unix
 * datagram sockets (`dgram` knows udp4 and udp6 only) and native addons are out, so each message
 * is sent by `systemd-notify`, a child process. systemd attributes a message by its sender's
 * cgroup, so the unit needs `NotifyAccess=all`; since systemd 246 `systemd-notify` waits until
 * the manager has read the message (sd_notify_barrier), so a sender that exits at once is still
 * attributed. Outside systemd ($NOTIFY_SOCKET unset) everything here does nothing.
 */
import { spawn } from 'node:child_process';
import { systemClock, type Clock, type TimerHandle } from '../clock/clock.ts';

/** Runs `systemd-notify` with these VARIABLE=VALUE arguments; resolves with its exit code. */
export type NotifyRunner = (args: readonly string[], env: NodeJS.ProcessEnv) => Promise<number>;

export const runSystemdNotify: NotifyRunner = (args, env) =>
  new Promise((resolve) => {
    const child = spawn('systemd-notify', [...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.resume();
    child.once('error', () => resolve(127));
    child.once('close', (code) => resolve(code ?? 1));
  });

export interface SystemdNotifierOptions {
  /** The environment systemd gave the service (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** This process's pid (default process.pid): the watchdog is ours only when WATCHDOG_PID says so. */
  pid?: number;
  run?: NotifyRunner;
  clock?: Clock;
  log?: (line: string) => void;
}

export interface NotifierCounters {
  sent: number;
  failed: number;
  watchdogPings: number;
}

export class SystemdNotifier {
  readonly counters: NotifierCounters = { sent: 0, failed: 0, watchdogPings: 0 };
  private timer: TimerHandle | undefined;
  private readonly env: NodeJS.ProcessEnv;
  private readonly clock: Clock;
  private readonly run: NotifyRunner;
  private readonly log: (line: string) => void;
  private loggedFailure = false;

  constructor(private readonly options: SystemdNotifierOptions = {}) {
    this.env = options.env ?? process.env;
    this.clock = options.clock ?? systemClock;
    this.run = options.run ?? runSystemdNotify;
    this.log = options.log ?? (() => {});
  }

  /** Running under systemd with a notification socket. */
  get active(): boolean {
    return (this.env['NOTIFY_SOCKET'] ?? '') !== '';
  }

  /**
   * How often to ping: half of WatchdogSec (WATCHDOG_USEC), as sd_watchdog_enabled(3) advises;
   * undefined without a watchdog, or when WATCHDOG_PID names another process.
   */
  get watchdogIntervalMs(): number | undefined {
    if (!this.active) return undefined;
    const usec = Number(this.env['WATCHDOG_USEC']);
    if (!Number.isFinite(usec) || usec <= 0) return undefined;
    const pid = this.env['WATCHDOG_PID'];
    if (pid !== undefined && pid !== '' && Number(pid) !== (this.options.pid ?? process.pid))
      return undefined;
    return Math.max(1, Math.floor(usec / 2000));
  }

  /** Started: systemd moves the unit to active; the watchdog starts pinging. */
  async ready(status?: string): Promise<void> {
    await this.send(['READY=1', ...(status === undefined ? [] : [`STATUS=${oneLine(status)}`])]);
    this.startWatchdog();
  }

  async status(text: string): Promise<void> {
    await this.send([`STATUS=${oneLine(text)}`]);
  }

  /** Shutting down: the pings stop, systemd waits for the exit instead of the watchdog. */
  async stopping(): Promise<void> {
    this.stopWatchdog();
    await this.send(['STOPPING=1']);
  }

  stopWatchdog(): void {
    this.clock.clearInterval(this.timer);
    this.timer = undefined;
  }

  private startWatchdog(): void {
    const every = this.watchdogIntervalMs;
    if (every === undefined || this.timer !== undefined) return;
    this.timer = this.clock.setInterval(() => {
      this.counters.watchdogPings++;
      void this.send(['WATCHDOG=1']);
    }, every);
  }

  private async send(lines: readonly string[]): Promise<void> {
    if (!this.active) return;
    const code = await this.run(lines, this.env);
    if (code === 0) {
      this.counters.sent++;
      return;
    }
    this.counters.failed++;
    if (!this.loggedFailure) {
      this.loggedFailure = true;
      this.log(
        code === 127
          ? 'systemd: systemd-notify is not installed (apt-get install systemd); the service cannot report ready or feed its watchdog'
          : `systemd: systemd-notify failed (exit ${code}); check NotifyAccess=all in the unit`,
      );
    }
  }
}

/** STATUS is one line: the protocol separates variables by newlines. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').slice(0, 200);
}
