import { dirname, join, resolve } from 'node:path';
import type { Observation, WindowSummary } from '../../core/model.ts';
import { windowStartOf } from '../../core/window/windowBounds.ts';
import { loadOrCreateSiteKey } from '../../adapters/identity/siteKeyFile.ts';
import { checkBindSecurity } from '../../adapters/http/auth.ts';
import { buildServer } from '../../adapters/http/server.ts';
import { SqliteStore } from '../../adapters/storage/sqlite/sqliteStore.ts';
import type { Store } from '../../adapters/storage/store.ts';
import { InProcessTransport } from '../../adapters/transport/inProcessTransport.ts';
import { sleep, systemClock, type Clock } from '../../adapters/clock/clock.ts';
import { readCaptureInput } from '../batch/capturePipeline.ts';
import { defaultCountingParams } from '../../core/occupancy/countingParams.ts';
import { readProbeLog } from '../../adapters/capture/probeLog.ts';
import { PACKAGE_ROOT, PROJECT_URL, WEB_ROOT } from '../hub/dashboardFiles.ts';
import { Hub } from '../hub/hub.ts';
import { loadLivePositioning } from '../hub/livePositioningSetup.ts';
import { createSensorWindower } from '../sensor/sensorWindower.ts';

export const DEMO_DATA_DIR = join(PACKAGE_ROOT, 'demo-data');

/** Real recordings shipped for the demo (see demo-data/NOTICE.md), each heard by one sensor. */
export const DEMO_RECORDINGS = [{ file: 'brno-sc6-61_2022-10-18.pcap', sensorId: 'brno-lab' }];
/**
 * A real 10-second BLE scan, replayed at the start of every window of the timeline, as the
 * original tracker ran a 10 s Bluetooth scan each minute (its timestamps are shifted to fit).
 */
export const DEMO_BLUETOOTH_SCAN = { file: 'horizon74_btsnoop_hci.log', sensorId: 'brno-lab' };
/**
 * A real walk with a BLE beacon through a hall with 12 sensors at known places, and the hall's
 * calibrated site file: walked again and again through the live hour for the floor plan.
 */
export const DEMO_WALK = { log: 'boun-walk.log', site: 'boun-site.json', windowSeconds: 2 };

export interface DemoOptions {
  port: number;
  host: string;
  dbPath: string;
  /** How many times faster than real time the recording is replayed. */
  speed: number;
  token?: string;
  /** The last part of the recording replayed live; everything before is loaded at once. */
  liveSeconds?: number;
  windowSeconds?: number;
  ratio?: number;
  log?: (line: string) => void;
  clock?: Clock;
  /** Time zone of the demo's history (default Europe/Prague, where it was recorded). */
  timeZone?: string;
}

export interface RunningDemo {
  url: string;
  store: Store;
  hub: Hub;
  /** Resolves when the whole recording has been replayed. */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** Share of each replayed window spent "scanning", like the original's 10 s scan each minute, only longer. */
const SCAN_SHARE = 0.7;

/** A recording's observations through the capture pipeline's own reader and checks. */
async function loadObservations(path: string, sensorId: string): Promise<Observation[]> {
  const observations: Observation[] = [];
  const read = await readCaptureInput({ path, sensorId }, (o) => observations.push(o));
  if (read.failure !== undefined) throw new Error(`${path}: ${read.failure}`);
  return observations.sort((a, b) => a.t - b.t);
}

async function loadWalk(): Promise<Observation[]> {
  const { observations, fatal } = await readProbeLog(join(DEMO_DATA_DIR, DEMO_WALK.log));
  if (fatal !== undefined) throw new Error(`${DEMO_WALK.log}: ${fatal}`);
  return observations.sort((a, b) => a.t - b.t);
}

/** The walk repeated from `from` to `to`, with a pause of 10 s between rounds. */
function repeatWalk(walk: readonly Observation[], from: number, to: number): Observation[] {
  if (walk.length === 0) return [];
  const t0 = walk[0]!.t;
  const period = walk.at(-1)!.t - t0 + 10;
  const out: Observation[] = [];
  for (let start = from; start < to; start += period) {
    for (const o of walk) {
      const t = start + (o.t - t0);
      if (t < to) out.push({ ...o, t });
    }
  }
  return out;
}

function repeatEachWindow(
  scan: readonly Observation[],
  timeline: readonly Observation[],
  windowSeconds: number,
): Observation[] {
  if (scan.length === 0) return [];
  const scanStart = scan[0]!.t;
  const first = windowStartOf(Math.min(...timeline.map((o) => o.t)), windowSeconds);
  const last = Math.max(...timeline.map((o) => o.t));
  const repeated: Observation[] = [];
  for (let start = first; start <= last; start += windowSeconds) {
    for (const o of scan) repeated.push({ ...o, t: start + 1 + (o.t - scanStart) });
  }
  return repeated;
}

/**
 * The embedded default: a hub with SQLite and an in-process bus, fed by a sensor that replays
 * real recordings window by window, faster than real time, into the live dashboard.
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  checkBindSecurity(options.host, options.token);
  const windowSeconds = options.windowSeconds ?? 60;
  const log = options.log ?? (() => {});
  // The recordings are from a lab in Brno: its hours and days are the demo's.
  const store = new SqliteStore(options.dbPath, { timeZone: options.timeZone ?? 'Europe/Prague' });
  const positioning = await loadLivePositioning(
    join(DEMO_DATA_DIR, DEMO_WALK.site),
    DEMO_WALK.windowSeconds,
    undefined,
    log,
  );
  const clock = options.clock ?? systemClock;
  const transport = new InProcessTransport(clock);
  const hub = new Hub({
    store,
    subscriber: transport.subscriber,
    clock,
    siteName: 'demo: lab sc6-61, Brno University of Technology, 2022-10-18',
    windowSeconds,
    ratio: options.ratio ?? 0.7,
    exportDir: dirname(resolve(options.dbPath)),
    counting: defaultCountingParams(),
    positioning,
    log,
  });
  await hub.start();
  const server = await buildServer({
    hub,
    webRoot: WEB_ROOT,
    projectUrl: PROJECT_URL,
    ...(options.token === undefined ? {} : { token: options.token }),
  });
  await server.listen({ port: options.port, host: options.host });
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('the HTTP server has no TCP address');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}/`;

  // One publisher speaks for every replayed sensor: each window names its own.
  const publisher = transport.publisher('demo-replay');
  await publisher.start();
  const publish = (summary: WindowSummary) =>
    void publisher.publishWindow(summary).catch((e: Error) => log(`demo window: ${e.message}`));
  const publishStatus = (sensorId: string, scanning: boolean) =>
    void publisher.publishStatus({ sensorId, scanning, at: clock.now() });
  const windower = createSensorWindower({
    windowSeconds,
    // The replay closes each window itself once its frames are in.
    latenessSeconds: 0,
    siteKey: loadOrCreateSiteKey(`${options.dbPath}.key`),
    onWindow: publish,
  });
  const positioningWindower = createSensorWindower({
    windowSeconds: DEMO_WALK.windowSeconds,
    latenessSeconds: 0,
    siteKey: loadOrCreateSiteKey(`${options.dbPath}.key`),
    purpose: 'positioning',
    onWindow: publish,
  });
  const abort = new AbortController();

  const replayLive = async (): Promise<void> => {
    const recordings = await Promise.all(
      DEMO_RECORDINGS.map(({ file, sensorId }) => loadObservations(join(DEMO_DATA_DIR, file), sensorId)),
    );
    const timeline = recordings.flat();
    if (timeline.length === 0) return;
    const scan = await loadObservations(
      join(DEMO_DATA_DIR, DEMO_BLUETOOTH_SCAN.file),
      DEMO_BLUETOOTH_SCAN.sensorId,
    );
    const observations = [...timeline, ...repeatEachWindow(scan, timeline, windowSeconds)].sort(
      (a, b) => a.t - b.t,
    );
    const sensorIds = DEMO_RECORDINGS.map((r) => r.sensorId);
    const end = observations.at(-1)!.t;
    const liveFrom = windowStartOf(end - (options.liveSeconds ?? 3600), windowSeconds);
    const walk = repeatWalk(await loadWalk(), liveFrom, end);
    let i = 0;
    let w = 0;
    while (i < observations.length && observations[i]!.t < liveFrom) windower.add(observations[i++]!);
    windower.advanceTo(liveFrom + windowSeconds);
    await publisher.drained(120_000);
    log(
      `loaded ${i} frames of history; replaying the last ${((end - liveFrom) / 60).toFixed(0)} minutes live`,
    );

    const windowMs = (windowSeconds / options.speed) * 1000;
    for (let start = liveFrom; start <= end && !abort.signal.aborted; start += windowSeconds) {
      for (const sensorId of sensorIds) publishStatus(sensorId, true);
      const windowEnd = start + windowSeconds;
      // Frames arrive through the scan in a few bursts, as a live capture's would.
      const slices = 4;
      for (let s = 1; s <= slices && !abort.signal.aborted; s++) {
        const until = start + (windowSeconds * s) / slices;
        while (i < observations.length && observations[i]!.t < until) windower.add(observations[i++]!);
        while (w < walk.length && walk[w]!.t < until) positioningWindower.add(walk[w++]!);
        positioningWindower.advanceTo(until);
        await sleep(clock, (windowMs * SCAN_SHARE) / slices, abort.signal);
      }
      windower.advanceTo(windowEnd);
      for (const sensorId of sensorIds) publishStatus(sensorId, false);
      await sleep(clock, windowMs * (1 - SCAN_SHARE), abort.signal);
    }
    windower.flush();
    positioningWindower.flush();
    await publisher.drained(120_000);
    await hub.positionsSettled();
    log('replay finished; the dashboard stays up');
  };

  const done = replayLive();
  done.catch((error: Error) => log(`demo replay failed: ${error.message}`));

  return {
    url,
    store,
    hub,
    done,
    async stop() {
      abort.abort();
      await done.catch(() => {});
      await publisher.stop();
      await server.close();
      await hub.stop();
      await store.close();
    },
  };
}
