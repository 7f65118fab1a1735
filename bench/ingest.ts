import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { replay } from '../src/app/batch/replay.ts';
import type { BenchResult } from './result.ts';
import { writeProbeRequestCapture } from './syntheticCapture.ts';

const FRAMES = 500_000;

async function tsharkFramesPerSecond(path: string): Promise<number | undefined> {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const started = performance.now();
  let lines = 0;
  await new Promise<void>((resolve, reject) => {
    const child = spawn('tshark', [
      '-r',
      path,
      '-T',
      'fields',
      '-e',
      'frame.time_epoch',
      '-e',
      'wlan.ta',
      '-e',
      'radiotap.dbm_antsignal',
      '-e',
      'wlan.ssid',
    ]);
    child.stdout.on('data', (d: Buffer) => {
      for (let i = 0; i < d.length; i++) if (d[i] === 10) lines++;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tshark exited ${code}`))));
  });
  if (lines !== FRAMES) throw new Error(`tshark printed ${lines} lines for ${FRAMES} frames`);
  return FRAMES / ((performance.now() - started) / 1000);
}

/** Parsing plus windowing of a radiotap probe-request capture, against tshark on the same file. */
export async function benchIngest(outDir: string, log: (line: string) => void): Promise<BenchResult[]> {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, `probe-requests-${FRAMES}.pcap`);
  if (!existsSync(path)) {
    log(`generating ${FRAMES} probe requests into ${path}`);
    await writeProbeRequestCapture(path, FRAMES);
  }
  log(`capture: ${(statSync(path).size / 1048576).toFixed(1)} MiB`);
  // One warm-up pass lets V8 optimise the hot path, as it would be on a long-running sensor.
  await replay({ inputs: [{ path }], windowSeconds: 60, sensorId: 'bench' });
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const report = await replay({ inputs: [{ path }], windowSeconds: 60, sensorId: 'bench' });
    if (report.frames !== FRAMES) throw new Error(`replay read ${report.frames} of ${FRAMES} frames`);
    runs.push(FRAMES / ((performance.now() - started) / 1000));
  }
  const ours = Math.max(...runs);
  log('running tshark on the same file');
  const tshark = await tsharkFramesPerSecond(path);
  return [
    {
      name: 'ingest: replay parse + window (no database)',
      value: ours,
      unit: 'frames/s',
      reference: tshark,
      referenceName: 'tshark -T fields',
      target: 30,
    },
  ];
}
