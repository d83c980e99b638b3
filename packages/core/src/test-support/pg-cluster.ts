import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import pg from 'pg';

/**
 * A PostgreSQL cluster of its own, made with the server's initdb in a folder the caller names, for
 * tests and harnesses that must stop, kill or copy a server (crash harness, full disk, streaming
 * replica) without touching the shared one. As root, the programs run as the `postgres` user, as
 * PostgreSQL refuses to run as root.
 */
export interface PgCluster {
  /** Data folder. */
  dataDir: string;
  port: number;
  /** Connection string of the cluster's superuser-owned `casegraph` role to database `casegraph`. */
  url: string;
  /** Starts the server and waits until it takes connections. */
  start(): Promise<void>;
  /** Stops it cleanly (fast shutdown). */
  stop(): Promise<void>;
  /** Ends the postmaster with SIGKILL, as a crash would, and waits until it is gone; its backends end with it. */
  kill(): Promise<void>;
  /** The postmaster's process id, or undefined when it is not running. */
  pid(): number | undefined;
  /**
   * Makes a streaming replica with pg_basebackup in `dataDir` and answers it as a cluster of its
   * own (not started). The primary must be running.
   */
  replica(dataDir: string): Promise<PgCluster>;
  /** Stops the server if running and removes its data folder. */
  destroy(): Promise<void>;
}

export interface PgClusterOptions {
  /** Folder holding initdb, pg_ctl, postgres and pg_basebackup; found with pg_config or the Debian layout when absent. */
  pgBin?: string;
  /** Port to listen on; a free one is picked when absent. */
  port?: number;
  /** Settings written to postgresql.conf (name to value). */
  settings?: Record<string, string>;
}

const PASSWORD = 'casegraph';

/** The folder of PostgreSQL's server programs: pg_config's answer, else the newest Debian install. */
export function findPgBin(): string | undefined {
  const found = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const fromConfig = found.status === 0 ? found.stdout.trim() : '';
  if (fromConfig !== '' && existsSync(join(fromConfig, 'initdb'))) return fromConfig;
  const debian = '/usr/lib/postgresql';
  if (!existsSync(debian)) return undefined;
  const versions = readdirSync(debian)
    .filter((name) => /^\d+$/.test(name) && existsSync(join(debian, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(debian, versions[0], 'bin');
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a PostgreSQL program as the current user, or as `postgres` when that is root. */
function command(bin: string, program: string, args: string[]): { file: string; args: string[] } {
  const path = join(bin, program);
  return asRoot ? { file: 'runuser', args: ['-u', 'postgres', '--', path, ...args] } : { file: path, args };
}

function run(bin: string, program: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  const { file, args: all } = command(bin, program, args);
  try {
    execFileSync(file, all, { stdio: 'pipe', env: { ...process.env, ...env } });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
    throw new Error(`${program} failed: ${stderr.split('\n').slice(-3).join(' ') || (error as Error).message}`);
  }
}

function makeOwnedFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (asRoot) {
    // The postgres user must pass through the parent (a temporary folder is made 0700).
    chmodSync(dirname(dir), 0o711);
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(id.stdout.trim()), Number(gid.stdout.trim()));
  }
}

async function waitForConnections(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`PostgreSQL at ${new URL(url).host} did not take connections within ${timeoutMs} ms: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
}

/** Whether a process runs (a zombie, dead but not yet reaped, counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/^\d+ \(.*\) Z/.test(stat);
}

function clusterAt(bin: string, dataDir: string, port: number): PgCluster {
  const url = `postgres://casegraph:${PASSWORD}@127.0.0.1:${port}/casegraph`;
  const pidFile = join(dataDir, 'postmaster.pid');
  const cluster: PgCluster = {
    dataDir,
    port,
    url,
    pid() {
      if (!existsSync(pidFile)) return undefined;
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
    },
    async start() {
      // pg_ctl start returns once the postmaster is up; the wait below covers crash recovery. Just
      // after a kill, the old postmaster's backends may still hold its shared memory for a moment.
      for (let attempt = 0; ; attempt++) {
        const { file, args } = command(bin, 'pg_ctl', ['start', '-D', dataDir, '-o', `-p ${port} -c unix_socket_directories=''`, '-l', join(dataDir, 'server.log'), '-w', '-t', '120']);
        const child = spawn(file, args, { stdio: 'ignore', detached: true });
        const code = await new Promise<number | null>((resolve, reject) => {
          child.once('error', reject);
          child.once('exit', resolve);
        });
        if (code === 0) break;
        if (attempt >= 40) throw new Error(`pg_ctl start exited with ${code}; see ${join(dataDir, 'server.log')}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      // The server database answers even before `casegraph` exists (and during a replica's catch-up).
      await waitForConnections(`postgres://casegraph:${PASSWORD}@127.0.0.1:${port}/postgres`, 120_000);
    },
    async stop() {
      if (cluster.pid() === undefined) return;
      run(bin, 'pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60']);
      await Promise.resolve();
    },
    async kill() {
      const pid = cluster.pid();
      if (pid === undefined) return;
      process.kill(pid, 'SIGKILL');
      const deadline = Date.now() + 30_000;
      while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    },
    async replica(replicaDir: string) {
      makeOwnedFolder(replicaDir);
      run(bin, 'pg_basebackup', ['-h', '127.0.0.1', '-p', String(port), '-U', 'casegraph', '-D', replicaDir, '-R', '-X', 'stream', '-c', 'fast'], { PGPASSWORD: PASSWORD });
      const replicaPort = await freePort();
      return clusterAt(bin, replicaDir, replicaPort);
    },
    async destroy() {
      if (cluster.pid() !== undefined) {
        try {
          await cluster.stop();
        } catch {
          await cluster.kill();
        }
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return cluster;
}

/**
 * Creates a cluster in `dataDir` (which must not exist or be empty) with a `casegraph` login role
 * that owns database `casegraph`, may replicate and create databases, and starts it.
 * @example const cluster = await createPgCluster(join(tmp, 'pg')); ... await cluster.destroy();
 */
export async function createPgCluster(dataDir: string, options: PgClusterOptions = {}): Promise<PgCluster> {
  const bin = options.pgBin ?? findPgBin();
  if (bin === undefined) throw new Error('PostgreSQL server programs were not found (no pg_config and no Debian install); install postgresql');
  makeOwnedFolder(dataDir);
  const pwfile = join(dataDir, '..', `.pw-${process.pid}-${Date.now()}`);
  writeFileSync(pwfile, PASSWORD + '\n', { mode: 0o644 });
  try {
    run(bin, 'initdb', ['-D', dataDir, '-U', 'casegraph', '--pwfile', pwfile, '-A', 'scram-sha-256', '-E', 'UTF8', '--locale', 'C.UTF-8', '--no-instructions']);
  } finally {
    rmSync(pwfile, { force: true });
  }
  const settings = {
    listen_addresses: "'127.0.0.1'",
    wal_level: 'replica',
    max_wal_senders: '4',
    hot_standby: 'on',
    fsync: 'on',
    shared_buffers: '64MB',
    ...options.settings,
  };
  const conf = Object.entries(settings)
    .map(([name, value]) => `${name} = ${value}`)
    .join('\n');
  const confPath = join(dataDir, 'postgresql.conf');
  writeFileSync(confPath, readFileSync(confPath, 'utf8') + '\n' + conf + '\n');
  const hbaPath = join(dataDir, 'pg_hba.conf');
  writeFileSync(hbaPath, readFileSync(hbaPath, 'utf8') + '\nhost replication casegraph 127.0.0.1/32 scram-sha-256\n');
  const port = options.port ?? (await freePort());
  const cluster = clusterAt(bin, dataDir, port);
  await cluster.start();
  const client = new pg.Client({ connectionString: `postgres://casegraph:${PASSWORD}@127.0.0.1:${port}/postgres` });
  await client.connect();
  try {
    await client.query('create database casegraph owner casegraph');
  } finally {
    await client.end();
  }
  return cluster;
}
