import { spawn as nodeSpawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Observation } from '../../core/model.ts';
import { classifyCaptureFailure, type CaptureFailure } from './captureFailure.ts';
import { addCounters, emptyCounters, readCaptureStream, type SourceCounters } from './captureSource.ts';
import { systemClock, type Clock, type TimerHandle } from '../clock/clock.ts';

export type CaptureTool = 'dumpcap' | 'tshark';

export type CaptureEvent =
  | { type: 'started'; pid: number | undefined }
  | { type: 'stopped' }
  | { type: 'failed'; failure: CaptureFailure; stderr: string }
  | { type: 'restarting'; delayMs: number; attempt: number }
  /** The capture was down from `from` to `to` (Unix seconds): nothing was heard then. */
  | { type: 'gap'; from: number; to: number };

export interface LiveCaptureOptions {
  interface: string;
  tool?: CaptureTool;
  /** Ask the tool to put the interface into monitor mode (-I); off for an interface already in it, or a FIFO. */
  monitorMode?: boolean;
  sensorId: string;
  onObservation: (o: Observation) => void;
  onEvent?: (event: CaptureEvent) => void;
  /** First restart delay, doubled after each failure up to `maxBackoffMs`, reset after a minute of running. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  clock?: Clock;
  spawn?: typeof nodeSpawn;
}

export function captureArguments(tool: CaptureTool, iface: string, monitorMode: boolean): string[] {
  const monitor = monitorMode ? ['-I'] : [];
  // Both write a classic pcap to stdout; dumpcap with -P, tshark with -F pcap.
  return tool === 'dumpcap'
    ? ['-i', iface, ...monitor, '-P', '-q', '-w', '-']
    : ['-i', iface, ...monitor, '-F', 'pcap', '-q', '-w', '-'];
}

/**
 * Runs dumpcap (or tshark, as the original tracker did) on a monitor interface and streams its
 * pcap output through the same readers as files. The child is supervised: when it dies it is
 * restarted with exponential backoff, its stderr is turned into a message with a fix, and the
 * time it was down is reported as a gap.
 */
export class LiveCapture {
  readonly counters: SourceCounters = emptyCounters();
  private child: ChildProcessByStdio<null, Readable, Readable> | undefined;
  private stopping = false;
  private running: Promise<void> | undefined;
  private restartTimer: TimerHandle | undefined;
  private wakeFromBackoff: (() => void) | undefined;
  private attempt = 0;
  private readonly tool: CaptureTool;
  private readonly clock: Clock;

  constructor(private readonly options: LiveCaptureOptions) {
    this.tool = options.tool ?? 'dumpcap';
    this.clock = options.clock ?? systemClock;
  }

  start(): void {
    this.stopping = false;
    this.running = this.supervise();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.clock.clearTimeout(this.restartTimer);
    this.wakeFromBackoff?.();
    const child = this.child;
    if (child !== undefined && child.exitCode === null) child.kill('SIGTERM');
    await this.running;
  }

  private emit(event: CaptureEvent): void {
    this.options.onEvent?.(event);
  }

  /**
   * One loop for the life of the capture, not a chain of restarts: a capture that fails every
   * minute for months must not pile up finished processes and their buffers.
   */
  private async supervise(): Promise<void> {
    let downSince: number | undefined;
    while (!this.stopping) {
      const startedAt = this.clock.now();
      const outcome = await this.runOnce(() => {
        if (downSince !== undefined) this.emit({ type: 'gap', from: downSince, to: this.clock.now() });
        downSince = undefined;
      });
      if (this.stopping) break;
      const stoppedAt = this.clock.now();
      downSince ??= stoppedAt;
      this.emit({
        type: 'failed',
        failure: classifyCaptureFailure(this.tool, outcome.stderr, outcome.errorCode),
        stderr: outcome.stderrWithStatus,
      });
      if (stoppedAt - startedAt > 60) this.attempt = 0;
      this.attempt++;
      const delayMs = Math.min(
        (this.options.initialBackoffMs ?? 1000) * 2 ** (this.attempt - 1),
        this.options.maxBackoffMs ?? 60_000,
      );
      this.emit({ type: 'restarting', delayMs, attempt: this.attempt });
      await new Promise<void>((resolve) => {
        this.wakeFromBackoff = resolve;
        this.restartTimer = this.clock.setTimeout(resolve, delayMs);
      });
      this.wakeFromBackoff = undefined;
    }
    this.emit({ type: 'stopped' });
  }

  /** Runs the capture tool once, to its exit; `onStarted` runs once it is up. */
  private async runOnce(
    onStarted: () => void,
  ): Promise<{ stderr: string; stderrWithStatus: string; errorCode: string | undefined }> {
    const spawn = this.options.spawn ?? nodeSpawn;
    const args = captureArguments(this.tool, this.options.interface, this.options.monitorMode ?? true);
    const child = spawn(this.tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-8192);
    });
    const spawnError = new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      child.once('error', (error) => resolve(error));
      child.once('spawn', () => resolve(undefined));
    });
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    const error = await spawnError;
    if (error === undefined) {
      this.emit({ type: 'started', pid: child.pid });
      onStarted();
      const result = await readCaptureStream(child.stdout, {
        sensorId: this.options.sensorId,
        onObservation: this.options.onObservation,
      });
      addCounters(this.counters, result.counters);
      if (result.fatal !== undefined) stderr += `\n${result.fatal}`;
    }
    const code = error === undefined ? await exited : null;
    this.child = undefined;
    return {
      stderr,
      stderrWithStatus: `${stderr}${code === null ? '' : `\n(exit status ${code})`}`.trim(),
      errorCode: error?.code,
    };
  }
}
