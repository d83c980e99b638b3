import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, createContext, createDb, defaultConfig, generateDemo, loadDemo, LOCAL_OPERATOR, lockDataFolder, type StoreOptions } from '@casegraph/core';
import { withServer } from '@casegraph/core/testing';
import { runCli } from './run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'casegraph-cli-backup-'));
const source = join(root, 'source');
const keysFile = join(source, 'casegraph-keys.json');
const archive = join(root, 'store.backup');
const url = process.env.DATABASE_URL;
const databases: string[] = [];
let counts: Record<string, number>;

/** Rows of every table, as the connecting user sees them. */
async function countTables(options: StoreOptions): Promise<Record<string, number>> {
  const store = await createDb(options);
  try {
    return await store.db.transaction().execute(async (trx) => {
      await sql`set local role none`.execute(trx);
      const { rows } = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(trx);
      const result: Record<string, number> = {};
      for (const { name } of rows) result[name] = Number((await sql<{ n: string }>`select count(*)::text as n from ${sql.table(name)}`.execute(trx)).rows[0]?.n);
      return result;
    });
  } finally {
    await store.close();
  }
}

/** The last line a run wrote to stderr (progress lines come before it), with its newline. */
function lastLine(text: string): string {
  return `${text.trimEnd().split('\n').at(-1) ?? ''}\n`;
}

async function onServer(statement: string): Promise<void> {
  await withServer(url ?? '', (client) => client.query(statement));
}

beforeAll(async () => {
  const demo = join(root, 'demo');
  await generateDemo({ entities: 2000, seed: 'cli-backup', outDir: demo });
  const store = await createDb({ dataDir: source });
  const ctx = createContext({ db: store.db, actor: LOCAL_OPERATOR, config: defaultConfig() });
  await loadDemo(ctx, { dir: demo });
  await createCase(ctx, { title: 'Harbour payments', purpose: 'fraud-audit' });
  await store.close();
  const signed = await runCli(['audit', 'checkpoint', '--data', source, '--out', join(root, 'checkpoint.txt')]);
  expect(signed.code, signed.stderr).toBe(0);
  counts = await countTables({ dataDir: source });
  const made = await runCli(['backup', '--data', source, '--out', archive], { env: { CASEGRAPH_PROGRESS_MS: '1' } });
  expect(made.code, made.stderr).toBe(0);
  expect(made.stdout).toMatch(/^Backup written to .*store\.backup: [\d,]+ bytes, sha256 [0-9a-f]{64}; \d+ tables, [\d,]+ rows, audit log of [\d,]+ events \(root \S{44}\)\n$/);
  expect(made.stderr).toMatch(/writing the archive, MB: /);
  expect(made.stderr).toMatch(/The archive holds no secret keys: keep .*casegraph-keys\.json safe/);
}, 300_000);
afterAll(async () => {
  for (const name of databases) await onServer(`drop database if exists ${name} with (force)`);
  rmSync(root, { recursive: true, force: true });
});

describe('casegraph backup and restore', { timeout: 180_000 }, () => {
  it('restores a demo store into a fresh data folder with the same rows, and audit verify passes on the copy', async () => {
    const target = join(root, 'copy');
    const run = await runCli(['restore', archive, '--data', target, '--keys', keysFile]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Restored .*store\.backup \(made \S+\): \d+ tables and [\d,]+ rows match the backup; audit log verified: [\d,]+ events, root \S{44}\n$/);
    const copy = await countTables({ dataDir: target });
    expect(copy.statements).toBeGreaterThan(5000);
    // The copy has one more event than the backup: its own restore.
    expect({ ...copy, audit_events: (copy.audit_events ?? 0) - 1 }).toEqual(counts);
    const verify = await runCli(['audit', 'verify', '--data', target, '--keys', keysFile, '--checkpoint', join(root, 'checkpoint.txt')]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/^Audit log verified: /);
  });

  it.skipIf(url === undefined || url === '')('backs up a PostgreSQL store and restores it into a fresh database, where audit verify passes', async () => {
    const name = `casegraph_cli_restore_${randomBytes(5).toString('hex')}`;
    databases.push(name, `${name}_copy`);
    await onServer(`create database ${name}`);
    await onServer(`create database ${name}_copy`);
    const origin = new URL(url as string);
    origin.pathname = `/${name}`;
    const copy = new URL(url as string);
    copy.pathname = `/${name}_copy`;
    // Fill a PostgreSQL store from the embedded one's demo folder, back it up, restore it elsewhere.
    const store = await createDb({ databaseUrl: origin.toString() });
    await loadDemo(createContext({ db: store.db, actor: LOCAL_OPERATOR, config: defaultConfig() }), { dir: join(root, 'demo') });
    await store.close();
    const before = await countTables({ databaseUrl: origin.toString() });
    const pgArchive = join(root, 'postgres.backup');
    const made = await runCli(['backup', '--database-url', origin.toString(), '--out', pgArchive, '--keys', keysFile]);
    expect(made.code, made.stderr).toBe(0);
    const run = await runCli(['restore', pgArchive, '--database-url', copy.toString(), '--keys', keysFile]);
    expect(run.code, run.stderr).toBe(0);
    const after = await countTables({ databaseUrl: copy.toString() });
    expect({ ...after, audit_events: (after.audit_events ?? 0) - 1 }).toEqual(before);
    const verify = await runCli(['audit', 'verify', '--database-url', copy.toString(), '--keys', keysFile]);
    expect(verify.code, verify.stderr).toBe(0);
    const again = await runCli(['restore', pgArchive, '--database-url', copy.toString(), '--keys', keysFile]);
    expect(again.code).toBe(1);
    expect(lastLine(again.stderr)).toMatch(/^casegraph: the database holds \d+ table\(s\); restore into an empty database, or add --force/);
  });

  it('refuses a truncated archive, a flipped byte and a tampered manifest in one line, writing nothing', async () => {
    const bytes = readFileSync(archive);
    const manifestAt = bytes.indexOf('{\n  "format": "casegraph-backup/1"');
    const manifestEnd = bytes.indexOf('\n}\n', manifestAt) + 3;
    const manifest = bytes.subarray(manifestAt, manifestEnd).toString();
    const cases: Array<[string, Buffer, RegExp]> = [
      ['truncated', bytes.subarray(0, bytes.length - 5000), /^casegraph: .*truncated/],
      ['flipped', Buffer.from(bytes).fill(0x55, 4096, 4097), /^casegraph: the archive is corrupt: the SHA-256 of store\.pgdata\.tar\.gz differs from the manifest's\n$/],
      ['tampered', Buffer.concat([bytes.subarray(0, manifestAt), Buffer.from(manifest.replace(/"cases": (\d+)/, (_, n: string) => `"cases": ${n.slice(0, -1)}${(Number(n.at(-1)) + 1) % 10}`)), bytes.subarray(manifestEnd)]), /^casegraph: the archive's manifest was altered after it was signed\n$/],
    ];
    for (const [label, content, message] of cases) {
      expect(content.equals(bytes), label).toBe(false);
      const file = join(root, `${label}.backup`);
      writeFileSync(file, content);
      const target = join(root, `refused-${label}`);
      const run = await runCli(['restore', file, '--data', target]);
      expect(run.code, label).toBe(1);
      expect(lastLine(run.stderr), label).toMatch(message);
      expect(existsSync(target), label).toBe(false);
    }
  });

  it('refuses to restore over a store that holds data without --force, and replaces it with --force', async () => {
    const target = join(root, 'occupied');
    expect((await runCli(['case', 'create', '--data', target, '--title', 'Quay holdings'])).code).toBe(0);
    const refused = await runCli(['restore', archive, '--data', target, '--keys', keysFile]);
    expect(refused.code).toBe(1);
    expect(lastLine(refused.stderr)).toMatch(/^casegraph: .*occupied is not empty; restore into an empty folder, or add --force to replace what it holds\n$/);
    expect((await countTables({ dataDir: target })).cases).toBe(1);
    const forced = await runCli(['restore', archive, '--data', target, '--keys', keysFile, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect((await countTables({ dataDir: target })).statements).toBe(counts.statements);
  });

  it('with --with-keys the archive carries the keys file, and the restore puts it beside the data', async () => {
    const withKeys = join(root, 'with-keys.backup');
    const made = await runCli(['backup', '--data', source, '--out', withKeys, '--with-keys']);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).not.toMatch(/holds no secret keys/);
    const target = join(root, 'with-keys-copy');
    const run = await runCli(['restore', withKeys, '--data', target]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/The backup's keys file was written to .*with-keys-copy.casegraph-keys\.json/);
    expect(readFileSync(join(target, 'casegraph-keys.json'))).toEqual(readFileSync(keysFile));
    expect((await runCli(['audit', 'verify', '--data', target])).code).toBe(0);
  });

  it('answers a missing archive, a locked folder, an existing output and missing pg tools in one line each', async () => {
    const missing = await runCli(['restore', join(root, 'nope.backup'), '--data', join(root, 'nope')]);
    expect(missing.code).toBe(1);
    expect(lastLine(missing.stderr)).toMatch(/^casegraph: backup archive .*nope\.backup does not exist\n$/);

    const lock = lockDataFolder(source, 'a running server');
    try {
      const locked = await runCli(['backup', '--data', source, '--out', join(root, 'locked.backup')]);
      expect(locked.code).toBe(1);
      expect(locked.stderr).toMatch(/^casegraph: data folder .*source is in use by process \d+ .*a running server.*stop that process first/);
      expect(existsSync(join(root, 'locked.backup'))).toBe(false);
    } finally {
      lock.release();
    }

    const exists = await runCli(['backup', '--data', source, '--out', archive]);
    expect(exists.code).toBe(1);
    expect(exists.stderr).toMatch(/^casegraph: .*store\.backup already exists; choose another name for the backup\n$/);

    const tools = await runCli(['backup', '--database-url', 'postgres://casegraph@127.0.0.1:1/none', '--out', join(root, 'pg.backup'), '--keys', keysFile, '--pg-bin', join(root, 'no-bin')]);
    expect(tools.code).toBe(1);
    expect(tools.stderr).toMatch(/^casegraph: pg_dump was not found in .*no-bin; --pg-bin \(or PG_BIN\) must name the folder/);
    const envTools = await runCli(['backup', '--database-url', 'postgres://casegraph@127.0.0.1:1/none', '--out', join(root, 'pg.backup'), '--keys', keysFile], { env: { PG_BIN: join(root, 'no-bin') } });
    expect(envTools.stderr).toMatch(/^casegraph: pg_dump was not found in .*no-bin/);
  });
});
