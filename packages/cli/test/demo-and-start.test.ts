import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from './run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'casegraph-cli-demo-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function folderDigest(dir: string): Record<string, string> {
  const digests: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else digests[relative(dir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(dir);
  return digests;
}

/** Runs `casegraph start`, waits until it serves, hands over its output and address, then stops it. */
async function whileStarted(
  args: string[],
  use: (run: { url: string; stdout: string; stderr: string }) => Promise<void>,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawnCli(['start', '--port', '0', ...args]);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr: `${stderr} (signal ${String(signal)})` })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = /casegraph is serving (\S+)/.exec(stdout);
      if (match?.[1] !== undefined && stdout.includes('Stop with Ctrl+C.')) resolve(match[1]);
    });
    void closed.then(({ code }) => reject(new Error(`start ended with ${code} before serving: ${stderr}`)));
  });
  try {
    await use({ url, stdout, stderr });
  } finally {
    child.kill('SIGTERM');
  }
  return closed;
}

describe('casegraph demo and start', () => {
  it('demo generate writes the same bytes for the same seed and different ones for another', async () => {
    const runs = ['a', 'b', 'c'].map((name) => join(root, `gen-${name}`));
    const seeds = ['s1', 's1', 's2'];
    for (const [i, out] of runs.entries()) {
      const run = await runCli(['demo', 'generate', '--entities', '300', '--seed', seeds[i]!, '--out', out]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/Wrote 6 sources, [\d,]+ records, to /);
    }
    const [first, same, other] = runs.map(folderDigest);
    expect(Object.keys(first!)).toContain('manifest.json');
    expect(same).toEqual(first);
    expect(other!['manifest.json']).not.toBe(first!['manifest.json']);
  });

  it('demo load imports the generated folder into a data folder and prints each demo user once', async () => {
    const data = join(root, 'store-load');
    const from = join(root, 'gen-a');
    const run = await runCli(['demo', 'load', '--data', data, '--from', from]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Loaded 6 sources: [\d,]+ records, [\d,]+ statements; demo case C-\d{4}-0001/);
    expect(run.stdout.trim().split('\n').map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual([
      'analyst analyst',
      'supervisor supervisor',
      'oversight oversight',
      'administrator admin',
    ]);
    const saved = JSON.parse(readFileSync(join(data, 'demo-users.json'), 'utf8')) as Array<{ password: string }>;
    expect(saved).toHaveLength(4);
    expect(statSync(join(data, 'demo-users.json')).mode & 0o777).toBe(0o600);
    const again = await runCli(['demo', 'load', '--data', data, '--from', from]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/Loaded 6 sources: [\d,]+ records, 0 statements; demo case C-\d{4}-0001/);
    expect(JSON.parse(readFileSync(join(data, 'demo-users.json'), 'utf8'))).toEqual(saved);
  });

  it('demo load from a folder that holds no demo is one line on stderr and exit 1', async () => {
    const run = await runCli(['demo', 'load', '--data', join(root, 'store-empty'), '--from', join(root, 'nothing-here')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^casegraph: .*manifest\.json is missing or not JSON; run casegraph demo generate first/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('start loads the demo on the first run, serves the app, and on the next run serves the same store at once', async () => {
    const data = join(root, 'store-start');
    let firstUsers = '';
    const firstExit = await whileStarted(['--data', data, '--entities', '300'], async ({ url, stdout }) => {
      expect(stdout).toMatch(/^First run: generating a demo dataset of 300 entities/);
      firstUsers = stdout.slice(stdout.indexOf('Demo users'));
      expect(firstUsers).toMatch(/analyst\s+analyst\s+password \S{16}/);
      const health = (await (await fetch(`${url}/api/health`)).json()) as { status: string; store: string };
      expect(health).toMatchObject({ status: 'ok', store: 'pglite' });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
    });
    expect(firstExit.code, firstExit.stderr).toBe(0);

    const secondExit = await whileStarted(['--data', data], async ({ stdout }) => {
      expect(stdout).not.toContain('First run');
      expect(stdout.slice(stdout.indexOf('Demo users'))).toBe(firstUsers);
    });
    expect(secondExit.code, secondExit.stderr).toBe(0);
  });
});
