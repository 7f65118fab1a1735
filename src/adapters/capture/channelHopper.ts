import { execFile } from 'node:child_process';
import { systemClock, type Clock, type TimerHandle } from '../clock/clock.ts';

export type CommandRunner = (command: string, args: readonly string[]) => Promise<void>;

export const runCommand: CommandRunner = (command, args) =>
  new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 5000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve();
    });
  });

export interface ChannelHopperOptions {
  interface: string;
  channels: readonly number[];
  dwellMs: number;
  run?: CommandRunner;
  onError?: (error: Error) => void;
  onChannel?: (channel: number) => void;
  clock?: Clock;
}

/**
 * Walks the monitor interface over a channel plan with `iw dev IFACE set channel N`, staying
 * `dwellMs` on each. Phones probe on every channel in turn, so one fixed channel hears most
 * of them; hopping trades dwell time for coverage of APs and 5 GHz clients.
 */
export class ChannelHopper {
  private timer: TimerHandle | undefined;
  private index = 0;
  private stopped = true;
  private readonly run: CommandRunner;
  private readonly clock: Clock;

  constructor(private readonly options: ChannelHopperOptions) {
    if (options.channels.length === 0) throw new RangeError('the channel plan is empty');
    this.run = options.run ?? runCommand;
    this.clock = options.clock ?? systemClock;
  }

  start(): void {
    this.stopped = false;
    void this.hop();
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async hop(): Promise<void> {
    const channel = this.options.channels[this.index % this.options.channels.length]!;
    this.index++;
    try {
      await this.run('iw', ['dev', this.options.interface, 'set', 'channel', String(channel)]);
      this.options.onChannel?.(channel);
    } catch (error) {
      this.options.onError?.(error as Error);
    }
    if (this.stopped) return;
    if (this.options.channels.length > 1)
      this.timer = this.clock.setTimeout(() => void this.hop(), this.options.dwellMs);
  }
}
