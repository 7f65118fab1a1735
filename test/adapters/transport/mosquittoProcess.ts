import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The Mosquitto of the development and CI machines; override with AIRTRACE_TEST_MQTT. */
export const MQTT_URL = process.env['AIRTRACE_TEST_MQTT'] ?? 'mqtt://127.0.0.1:1883';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function brokerReachable(): Promise<boolean> {
  const url = new URL(MQTT_URL);
  return portOpen(Number(url.port || 1883), url.hostname);
}

export const SKIP_NO_MQTT: false | string = (await brokerReachable())
  ? false
  : `needs an MQTT broker at ${MQTT_URL} (set AIRTRACE_TEST_MQTT)`;

export const SKIP_NO_MOSQUITTO: false | string = (await new Promise<boolean>((resolve) => {
  const child = spawn('mosquitto', ['-h'], { stdio: 'ignore' });
  child.once('error', () => resolve(false));
  child.once('exit', () => resolve(true));
}))
  ? false
  : 'needs the mosquitto binary (apt-get install mosquitto)';

/**
 * A private Mosquitto in the foreground, on its own port and data directory, so a test can stop
 * and restart its broker without touching the machine's. Persistence is on: as in a real
 * deployment, queued QoS 1 messages and persistent sessions survive a restart.
 */
export class MosquittoProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly extraConfig: readonly string[] = [],
    /** Off: a crash loses every queued message and session, as a broker without a disk would. */
    private readonly persistence = true,
  ) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const config = join(this.dir, 'mosquitto.conf');
    writeFileSync(
      config,
      [
        `listener ${this.port} 127.0.0.1`,
        ...(this.extraConfig.some((l) => l.startsWith('allow_anonymous')) ? [] : ['allow_anonymous true']),
        `persistence ${this.persistence}`,
        `persistence_location ${this.dir}/`,
        `log_dest file ${join(this.dir, 'mosquitto.log')}`,
        // As root, Mosquitto would switch to its own user and lose access to the test's directory.
        ...(process.getuid?.() === 0 ? ['user root'] : []),
        ...this.extraConfig,
        '',
      ].join('\n'),
    );
    const child = spawn('mosquitto', ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    for (let i = 0; i < 200; i++) {
      if (child.exitCode !== null) throw new Error(`mosquitto exited ${child.exitCode}: ${stderr}`);
      if (await portOpen(this.port)) return;
      await sleep(25);
    }
    throw new Error(`mosquitto did not listen on ${this.port}: ${stderr}`);
  }

  /** SIGTERM lets Mosquitto write its persistence file, as a service stop does. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child === undefined || this.child.exitCode !== null) return;
    this.child.kill(signal);
    await this.exited;
    this.child = undefined;
  }
}
