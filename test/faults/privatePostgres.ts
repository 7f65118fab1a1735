import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Debian's PostgreSQL server binaries, newest version first. */
function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'pg_ctl'))) return join(root, v, 'bin');
  return undefined;
}

function postgresUid(): number | undefined {
  const result = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  return result.status === 0 ? Number(result.stdout.trim()) : undefined;
}

const BIN = binDir();
const UID = postgresUid();

/** Why a private cluster cannot run here, or false when it can. */
export const SKIP_NO_PRIVATE_POSTGRES: false | string =
  BIN === undefined
    ? 'needs the PostgreSQL server binaries (apt-get install postgresql)'
    : process.getuid?.() !== 0 && process.getuid?.() !== UID
      ? 'needs root or the postgres user to run a private cluster'
      : UID === undefined && process.getuid?.() === 0
        ? 'needs the postgres system user'
        : false;

/**
 * A PostgreSQL cluster of the test's own (initdb in a temporary folder, its own port), so the
 * test can stop and start the database mid-stream without touching the machine's server.
 */
export class PrivatePostgres {
  constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private run(tool: string, args: string[]): void {
    const command = join(BIN!, tool);
    // initdb refuses to run as root: as root, run the tools as the postgres user.
    if (process.getuid?.() === 0)
      execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' });
    else execFileSync(command, args, { stdio: 'pipe' });
  }

  init(): void {
    mkdirSync(this.dir, { recursive: true });
    if (process.getuid?.() === 0) chownSync(this.dir, UID!, UID!);
    this.run('initdb', [
      '-D',
      join(this.dir, 'data'),
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
      '-E',
      'UTF8',
    ]);
  }

  start(): void {
    this.run('pg_ctl', [
      '-D',
      join(this.dir, 'data'),
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      '-l',
      join(this.dir, 'log'),
      '-w',
      'start',
    ]);
  }

  /** `fast` disconnects every client and shuts down cleanly, as a service restart does. */
  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', mode, '-w', 'stop']);
  }
}
