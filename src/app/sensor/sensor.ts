import type { Observation, WindowSummary } from '../../core/model.ts';
import { dutyPhase, type DutyCycle } from '../../core/window/dutyCycle.ts';
import type { Windower } from '../../core/window/windower.ts';
import { ChannelHopper, runCommand, type CommandRunner } from '../../adapters/capture/channelHopper.ts';
import { LiveCapture, type CaptureEvent, type CaptureTool } from '../../adapters/capture/liveCapture.ts';
import type { SensorStatus } from '../../adapters/transport/inProcessBus.ts';
import { BluezScanner } from '../../adapters/capture/bluez/bluezScanner.ts';
import { describeBluezEvent } from '../../adapters/capture/bluez/bluezEventText.ts';
import { createSensorWindower } from './sensorWindower.ts';

/** Where a sensor's windows go: the in-process bus, or MQTT. */
export interface SensorPublisher {
  publishWindow(summary: WindowSummary): void;
  publishStatus(status: SensorStatus): void;
}

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
  /** BlueZ adapter to scan with (e.g. hci0), or null for no Bluetooth. */
  bluetooth: { adapter: string } | null;
  scan: DutyCycle;
  /** Seconds of the short windows sent for live positioning; undefined sends none. */
  positioningWindowSeconds?: number;
  publisher: SensorPublisher;
  log: (line: string) => void;
  /** Wall clock, Unix seconds. */
  now?: () => number;
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
  private ticker: NodeJS.Timeout | undefined;
  private scanning = false;
  private wantScanning = false;
  private scanChange: Promise<void> = Promise.resolve();
  private wifiCaptureUp = false;
  /** Time of the last frame and the wall clock when it arrived: the capture's clock (per frame, no allocation). */
  private lastFrameT = NaN;
  private lastFrameWall = NaN;
  private readonly now: () => number;

  constructor(private readonly options: SensorOptions) {
    this.now = options.now ?? (() => Date.now() / 1000);
    this.windower = createSensorWindower({
      windowSeconds: options.windowSeconds,
      siteKey: options.siteKey,
      latenessSeconds: LATENESS_SECONDS,
      onWindow: (summary) => options.publisher.publishWindow(summary),
    });
    this.positioningWindower =
      options.positioningWindowSeconds === undefined
        ? undefined
        : createSensorWindower({
            windowSeconds: options.positioningWindowSeconds,
            siteKey: options.siteKey,
            latenessSeconds: LATENESS_SECONDS,
            purpose: 'positioning',
            onWindow: (summary) => options.publisher.publishWindow(summary),
          });
  }

  private observe(o: Observation): void {
    this.windower.add(o);
    this.positioningWindower?.add(o);
  }

  start(): void {
    this.tick();
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    const bluetooth = this.options.bluetooth;
    if (bluetooth !== null) {
      // BlueZ runs its own duty cycle (StartDiscovery/StopDiscovery) on the same plan.
      this.ble = new BluezScanner({
        adapter: bluetooth.adapter,
        sensorId: this.options.sensorId,
        scan: this.options.scan,
        now: this.now,
        onObservation: (o) => this.observe(o),
        onEvent: (event) => {
          const line = describeBluezEvent(event);
          if (line !== undefined) this.options.log(line);
        },
      });
      void this.ble.start();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.ticker);
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
    const wall = this.now();
    return Number.isNaN(this.lastFrameT) ? wall : this.lastFrameT + (wall - this.lastFrameWall);
  }

  private tick(): void {
    const scanning = dutyPhase(this.now(), this.options.scan).scanning;
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
    this.options.publisher.publishStatus({ sensorId: this.options.sensorId, scanning, at: this.now() });
    if (scanning) this.startCapture();
    else await this.stopCapture();
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
        this.lastFrameWall = this.now();
        this.observe(o);
      },
      onEvent: (event) => this.reportCaptureEvent(event),
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
