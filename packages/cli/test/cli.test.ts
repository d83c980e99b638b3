import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../src/main.js';
import { runCli } from './run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'casegraph-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function allCommandPaths(): string[][] {
  const paths: string[][] = [];
  const walk = (command: ReturnType<typeof buildProgram>, prefix: string[]) => {
    for (const sub of command.commands) {
      paths.push([...prefix, sub.name()]);
      walk(sub, [...prefix, sub.name()]);
    }
  };
  walk(buildProgram(), []);
  return paths;
}

describe('casegraph CLI', () => {
  it('every command answers --help with its usage', () => {
    const paths = allCommandPaths();
    expect(paths.map((p) => p.join(' '))).toEqual(
      expect.arrayContaining(['serve', 'start', 'demo generate', 'demo load', 'source register', 'case create']),
    );
    for (const path of paths) {
      const program = buildProgram();
      let out = '';
      program.configureOutput({ writeOut: (s) => (out += s) });
      for (const c of program.commands) c.configureOutput({ writeOut: (s) => (out += s) });
      let target = program;
      for (const name of path) {
        target = target.commands.find((c) => c.name() === name)!;
        target.configureOutput({ writeOut: (s) => (out += s) });
      }
      expect(() => target.outputHelp()).not.toThrow();
      expect(out, path.join(' ')).toMatch(new RegExp(`Usage: casegraph ${path.join(' ')}`));
    }
  });

  it('registers a source, refuses it twice, and opens a case that prints its id', async () => {
    const data = join(root, 'store-a');
    const register = [
      'source', 'register', '--data', data, '--id', 'phone-subscribers', '--name', 'Phone subscribers',
      '--legal-basis', 'Production order 2026/3', '--purposes', 'criminal-investigation,fraud-audit',
      '--markings', 'LE-ONLY', '--retention-days', '730',
    ];
    const first = await runCli(register);
    expect(first).toMatchObject({ code: 0, stdout: 'phone-subscribers\n', stderr: '' });
    const second = await runCli(register);
    expect(second.code).toBe(1);
    expect(second.stderr).toBe('casegraph: source phone-subscribers is already registered\n');
    const created = await runCli(['case', 'create', '--data', data, '--title', 'Harbour payments', '--purpose', 'fraud-audit']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^C-\d{4}-0001\n$/);
  });

  it('usage errors exit 2 and name the problem', async () => {
    const missing = await runCli(['case', 'create']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '--title <title>' not specified/);
    const badNumber = await runCli(['source', 'register', '--id', 'x', '--name', 'x', '--legal-basis', 'x', '--purposes', 'fraud-audit', '--retention-days', 'ten']);
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr).toMatch(/expected a whole number above 0, got "ten"/);
  });

  it('a folder that is not a casegraph store is refused in one line and left as it was', async () => {
    const folder = join(root, 'photos');
    mkdirSync(folder);
    writeFileSync(join(folder, 'holiday.jpg'), 'not really a photo');
    const run = await runCli(['case', 'create', '--data', folder, '--title', 'x']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^casegraph: .*photos is not a casegraph store.*\n$/);
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(readdirSync(folder)).toEqual(['holiday.jpg']);
  });

  it('a wrong database URL is refused in one line without the password', async () => {
    const run = await runCli(['case', 'create', '--title', 'x'], { env: { DATABASE_URL: 'postgres://u:hunter2@127.0.0.1:9/none' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^casegraph: cannot connect to PostgreSQL at postgres:\/\/u:\*\*\*@127\.0\.0\.1:9\/none: connection refused/);
    expect(run.stderr).not.toContain('hunter2');
  });

  it('a config file with a bad purpose list is refused before the store is touched', async () => {
    const config = join(root, 'bad-config.json');
    writeFileSync(config, JSON.stringify({ purposes: [{ code: 'Bad Code', label: 'x' }] }));
    const data = join(root, 'never-created');
    const run = await runCli(['case', 'create', '--data', data, '--config', config, '--title', 'x']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/purposes\[0\]\.code must be lower-case/);
    expect(existsSync(data)).toBe(false);
  });
});
