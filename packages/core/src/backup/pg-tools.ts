import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { StoreUnavailable } from '../errors.js';

/** A PostgreSQL client program the backup runs: pg_dump or pg_restore. */
export type PgTool = 'pg_dump' | 'pg_restore';

/** Where the PostgreSQL programs are and the environment they run in. */
export interface PgToolOptions {
  /** Folder holding pg_dump and pg_restore; without it they are looked up on the environment's PATH. */
  pgBin?: string;
  /** The environment the programs run in (its PATH finds them, its PG* settings reach them); the caller passes its own. */
  env?: NodeJS.ProcessEnv;
}

/** A running tool, its stderr collected, and a promise of its end that rejects with that stderr. */
export interface RunningTool {
  child: ChildProcessWithoutNullStreams;
  done: Promise<void>;
}

function missing(tool: PgTool, pgBin: string | undefined): StoreUnavailable {
  return new StoreUnavailable(
    pgBin === undefined
      ? `${tool} was not found on PATH; install the PostgreSQL client programs (of the server's major version or newer), or name their folder with --pg-bin or PG_BIN`
      : `${tool} was not found in ${pgBin}; --pg-bin (or PG_BIN) must name the folder holding pg_dump and pg_restore`,
  );
}

/**
 * The connection string without its password, and the environment that passes the password
 * instead, so it never shows in the process list.
 */
export function connectionFor(url: string): { dbname: string; password: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { dbname: parsed.toString(), password: password === '' ? {} : { PGPASSWORD: password } };
}

/**
 * Starts a PostgreSQL client program from `pgBin`, or from PATH when none is named; a missing
 * program becomes a one-line StoreUnavailable, a failed run an error carrying its last stderr line.
 * @example const { child, done } = startPgTool('pg_dump', ['--format=custom', '--dbname', url], { pgBin });
 */
export function startPgTool(tool: PgTool, args: string[], options: PgToolOptions & { password?: NodeJS.ProcessEnv } = {}): RunningTool {
  const command = options.pgBin === undefined ? tool : join(options.pgBin, tool);
  const child = spawn(command, args, { stdio: 'pipe', env: { ...options.env, ...options.password } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? missing(tool, options.pgBin) : new StoreUnavailable(`${tool} could not start: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else {
        const lines = stderr.trim().split('\n').filter((line) => line.trim() !== '');
        const reason = lines.find((line) => /error/i.test(line)) ?? lines.at(-1) ?? (signal !== null ? `ended by ${signal}` : `exit code ${code}`);
        reject(new StoreUnavailable(`${tool} failed: ${reason.replace(/^\S+: /, '')}`));
      }
    });
  });
  // Awaited later by the caller; a failure before then must not count as unhandled.
  done.catch(() => undefined);
  return { child, done };
}

/** Runs `TOOL --version` to find the program before any work starts; answers its version line. */
export async function checkPgTool(tool: PgTool, options: PgToolOptions): Promise<string> {
  const { child, done } = startPgTool(tool, ['--version'], options);
  child.stdin.end();
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await done;
  return out.trim();
}
