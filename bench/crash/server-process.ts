// The real casegraph server as a child process: the built CLI's `serve`, started on a port and
// killed with SIGKILL as a crash would.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built command line's entry. */
export const CLI_ENTRY = fileURLToPath(new URL('../../packages/cli/bin/casegraph.js', import.meta.url));

/** A running server process. */
export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Resolves with the exit code (or signal name) once the process has ended and been reaped. */
  readonly exited: Promise<string>;
  /** SIGKILL, then wait until the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (a clean stop: the store is closed, the lock released), then wait. */
  stop(): Promise<void>;
  /** The last lines the process wrote, for diagnostics. */
  output(): string;
  alive(): boolean;
}

export interface ServeOptions {
  /** Store flags, as `--data DIR` or `--database-url URL`. */
  storeArgs: string[];
  port: number;
  env: NodeJS.ProcessEnv;
  /** How long the server may take to answer its health check (default 120 s). */
  timeoutMs?: number;
}

const OUTPUT_KEPT = 8_000;

/**
 * Starts `casegraph serve` and waits until GET /api/health answers 200; answers the process and
 * how long the start took. A process that ends before it serves is an error carrying its output.
 */
export async function startServerProcess(options: ServeOptions): Promise<{ server: ServerProcess; millis: number }> {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [CLI_ENTRY, 'serve', '--host', '127.0.0.1', '--port', String(options.port), ...options.storeArgs], {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_KEPT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let done = false;
  // A harness that ends (a test timing out) takes its server with it.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      process.off('exit', orphanGuard);
      resolve(signal ?? String(code));
    });
  });
  const url = `http://127.0.0.1:${options.port}`;
  const pid = child.pid ?? 0;
  const waitGone = async (signal: NodeJS.Signals) => {
    if (!done) child.kill(signal);
    await exited;
  };
  const server: ServerProcess = {
    url,
    pid,
    exited,
    kill: () => waitGone('SIGKILL'),
    stop: async () => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await waitGone('SIGTERM');
      clearTimeout(timer);
    },
    output: () => output,
    alive: () => !done,
  };
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (done) throw new Error(`the server ended before it served (exit ${await exited}):\n${output.trim()}`);
    if (Date.now() > deadline) {
      await server.kill();
      throw new Error(`the server did not answer its health check within ${options.timeoutMs ?? 120_000} ms:\n${output.trim()}`);
    }
    const healthy = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) }).then(
      (answer) => answer.status === 200,
      () => false,
    );
    if (healthy) return { server, millis: performance.now() - started };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
