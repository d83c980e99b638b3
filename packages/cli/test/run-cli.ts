import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** What a CLI run printed and how it ended. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Where and with which environment the CLI runs; DATABASE_URL and CASEGRAPH_DATA are cleared unless given. */
export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Starts `casegraph ARGS` from the TypeScript sources in a child process and returns it running. */
export function spawnCli(args: string[], options: CliOptions = {}): ChildProcessWithoutNullStreams {
  const source = `import { main } from ${JSON.stringify(MAIN)}; process.exitCode = await main(process.argv.slice(1));`;
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', source, '--', ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, DATABASE_URL: '', CASEGRAPH_DATA: '', ...options.env },
    stdio: 'pipe',
  });
  child.stdin.end();
  return child;
}

/** Runs `casegraph ARGS` from the TypeScript sources in a child process, as a user would run it. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawnCli(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
