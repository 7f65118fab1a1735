import type { Observation } from '../../core/model.ts';
import { checkObservation, type ObservationFlaw } from '../../core/window/plausibleObservation.ts';
import { dutyPhase, type DutyCycle } from '../../core/window/dutyCycle.ts';
import type { Windower } from '../../core/window/windower.ts';
import { ChannelHopper, runCommand, type CommandRunner } from '../../adapters/capture/channelHopper.ts';
import { LiveCapture, type CaptureEvent, type CaptureTool } from '../../adapters/capture/liveCapture.ts';
import type { WindowPublisher } from '../../adapters/transport/transport.ts';
import { systemClock, type Clock, type TimerHandle } from '../../adapters/clock/clock.ts';
import { BluezScanner } from '../../adapters/capture/bluez/bluezScanner.ts';
import { describeBluezEvent } from '../../adapters/capture/bluez/bluezEventText.ts';
import { createSensorWindower } from './sensorWindower.ts';

export interface WifiCaptureSettings {
  interface: string;
  tool: CaptureTool;
  monitorMode: boolean;
  channels: readonly number[];
  dwellMs: number;
}

export interface SensorOptions {
  sensorId: string;
  windowSeconds: number;
  siteKey: Uint8Array;
  wifi: WifiCaptureSettings | null;
  /** BlueZ adapter to scan with (e.g. hci0), or null for no Bluetooth; its discovery watchdog's limit. */
  bluetooth: { adapter: string; watchdogSeconds?: number } | null;
  scan: DutyCycle;
  /** Seconds of the short windows sent for live positioning; undefined sends none. */
  positioningWindowSeconds?: number;
  /** Where windows go: the in-process transport or MQTT (started and stopped by its owner). */
  publisher: WindowPublisher;
  log: (line: string) => void;
  clock?: Clock;
  runCommand?: CommandRunner;
  spawn?: ConstructorParameters<typeof LiveCapture>[0]['spawn'];
}

/** How often the sensor looks at the clock to close windows and follow the duty cycle. */
const TICK_MS = 1000;
/** Frames may trail a window's end by this much (capture buffering). */
const LATENESS_SECONDS = 2;

/**
 * One sensor: captures, windows and hashes, and publishes. Windows close on the capture's own
 * clock: the time of the last frame plus the wall time since, so that a live capture closes
 * windows on time and replayed bytes (a FIFO in tests) close them on their recorded timeline.
 */
export class Sensor {
  private readonly windower: Windower;
  private readonly positioningWindower: Windower | undefined;
  private capture: LiveCapture | undefined;
  private hopper: ChannelHopper | undefined;
  private ble: BluezScanner | undefined;
  private ticker: TimerHandle | undefined;
  private scanning = false;
  private wantScanning = false;
  private scanChange: Promise<void> = Promise.resolve();
  private wifiCaptureUp = false;
  /** Time of the last frame and the wall clock when it arrived: the capture's clock (per frame, no allocation). */
  private lastFrameT = NaN;
  private lastFrameWall = NaN;
  private readonly clock: Clock;

  constructor(private readonly options: SensorOptions) {
    this.clock = options.clock ?? systemClock;
    const publish = (summary: Parameters<WindowPublisher['publishWindow']>[0]) =>
      void options.publisher
        .publishWindow(summary)
        .catch((error: Error) => options.log(`window ${summary.windowStart} not queued: ${error.message}`));
    this.windower = createSensorWindower({
      windowSeconds: options.windowSeconds,
      siteKey: options.siteKey,
      latenessSeconds: LATENESS_SECONDS,
      onWindow: publish,
    });
    this.positioningWindower =
      options.positioningWindowSeconds === undefined
        ? undefined
        : createSensorWindower({
            windowSeconds: options.positioningWindowSeconds,
            siteKey: options.siteKey,
            latenessSeconds: LATENESS_SECONDS,
            purpose: 'positioning',
            onWindow: publish,
          });
  }

  /** Observations dropped or trimmed by the boundary check, by flaw. */
  readonly flawed: Partial<Record<ObservationFlaw, number>> = {};

  private observe(o: Observation): void {
    const flaw = checkObservation(o);
    if (flaw !== undefined) {
      this.flawed[flaw] = (this.flawed[flaw] ?? 0) + 1;
      if (flaw === 'no-timestamp') return;
    }
    this.windower.add(o);
    this.positioningWindower?.add(o);
  }

  start(): void {
    this.tick();
    this.ticker = this.clock.setInterval(() => this.tick(), TICK_MS);
    const bluetooth = this.options.bluetooth;
    if (bluetooth !== null) {
      // BlueZ runs its own duty cycle (StartDiscovery/StopDiscovery) on the same plan.
      this.ble = new BluezScanner({
        adapter: bluetooth.adapter,
        sensorId: this.options.sensorId,
        scan: this.options.scan,
        clock: this.clock,
        ...(bluetooth.watchdogSeconds === undefined ? {} : { watchdogSeconds: bluetooth.watchdogSeconds }),
        onObservation: (o) => this.observe(o),
        onEvent: (event) => {
          const line = describeBluezEvent(event);
          if (line !== undefined) this.options.log(line);
          // The hub counts the restarts in /metrics: the status carries them.
          if (event.type === 'watchdog') this.sendStatus();
        },
      });
      void this.ble.start();
    }
  }

  async stop(): Promise<void> {
    this.clock.clearInterval(this.ticker);
    this.ticker = undefined;
    await this.ble?.stop();
    this.ble = undefined;
    this.wantScanning = false;
    await this.scanChange;
    await this.setScanning(false);
    this.windower.flush();
    this.positioningWindower?.flush();
  }

  /** The capture's clock: recorded time for replayed bytes, wall time for live ones. */
  streamNow(): number {
    const wall = this.clock.now();
    return Number.isNaN(this.lastFrameT) ? wall : this.lastFrameT + (wall - this.lastFrameWall);
  }

  private tick(): void {
    const scanning = dutyPhase(this.clock.now(), this.options.scan).scanning;
    if (scanning !== this.wantScanning) {
      this.wantScanning = scanning;
      // One change at a time: a scan must not start while the last one's capture is stopping.
      this.scanChange = this.scanChange.then(() => this.setScanning(scanning));
    }
    const t = this.streamNow();
    // An empty window says "nobody around": only a capture that is running may say so.
    if (this.scanning && (this.wifiCaptureUp || this.ble?.running === true)) {
      this.windower.touch(this.options.sensorId, t);
    }
    this.windower.advanceTo(t);
    this.positioningWindower?.advanceTo(t);
  }

  private async setScanning(scanning: boolean): Promise<void> {
    if (scanning === this.scanning) return;
    this.scanning = scanning;
    this.sendStatus();
    if (scanning) this.startCapture();
    else await this.stopCapture();
  }

  private sendStatus(): void {
    const bleRestarts = this.ble?.counters.watchdogRestarts;
    void this.options.publisher
      .publishStatus({
        sensorId: this.options.sensorId,
        scanning: this.scanning,
        at: this.clock.now(),
        ...(bleRestarts === undefined ? {} : { bleRestarts }),
      })
      .catch((error: Error) => this.options.log(`status not sent: ${error.message}`));
  }

  private startCapture(): void {
    const wifi = this.options.wifi;
    if (wifi === null) return;
    this.capture = new LiveCapture({
      interface: wifi.interface,
      tool: wifi.tool,
      monitorMode: wifi.monitorMode,
      sensorId: this.options.sensorId,
      onObservation: (o) => {
        this.lastFrameT = o.t;
        this.lastFrameWall = this.clock.now();
        this.observe(o);
      },
      onEvent: (event) => this.reportCaptureEvent(event),
      clock: this.clock,
      ...(this.options.spawn === undefined ? {} : { spawn: this.options.spawn }),
    });
    this.capture.start();
    if (wifi.channels.length > 0) {
      this.hopper = new ChannelHopper({
        interface: wifi.interface,
        channels: wifi.channels,
        dwellMs: wifi.dwellMs,
        run: this.options.runCommand ?? runCommand,
        onError: (error) => this.options.log(`channel plan: ${error.message}`),
        clock: this.clock,
      });
      this.hopper.start();
    }
  }

  private async stopCapture(): Promise<void> {
    const { hopper, capture } = this;
    this.hopper = undefined;
    this.capture = undefined;
    hopper?.stop();
    await capture?.stop();
    this.wifiCaptureUp = false;
  }

  private reportCaptureEvent(event: CaptureEvent): void {
    const log = this.options.log;
    if (event.type === 'started') this.wifiCaptureUp = true;
    if (event.type === 'failed' || event.type === 'stopped') this.wifiCaptureUp = false;
    switch (event.type) {
      case 'failed':
        log(`Wi-Fi capture: ${event.failure.message}. Fix: ${event.failure.fix}`);
        if (event.failure.kind === 'exited' && event.stderr !== '')
          log(`capture output: ${event.stderr.split('\n').slice(-3).join(' | ')}`);
        break;
      case 'restarting':
        log(`Wi-Fi capture: restarting in ${(event.delayMs / 1000).toFixed(1)} s (attempt ${event.attempt})`);
        break;
      case 'gap':
        log(
          `Wi-Fi capture: nothing was captured for ${(event.to - event.from).toFixed(1)} s (${new Date(event.from * 1000).toISOString()} to ${new Date(event.to * 1000).toISOString()})`,
        );
        break;
      default:
        break;
    }
  }
}
