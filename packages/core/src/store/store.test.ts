import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Store } from './create-db.js';
import { knownMigrations, APP_ROLE } from './migrate.js';
import { dialects, openTestStore } from '../test-support/test-store.js';
import { StoreLocked, StoreUnavailable } from '../errors.js';

describe.each(dialects())('store on %s', (dialect) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(dialect);
  });
  afterAll(async () => {
    await store.close();
  });

  it('has applied every numbered migration', async () => {
    const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
    expect(rows.rows.map((r) => r.name)).toEqual(knownMigrations());
  });

  it('has the trigram, fuzzy-match and unaccent extensions working', async () => {
    const { rows } = await sql<{ sim: number; code: string; plain: string }>`
      select similarity('robert', 'roberta') as sim, dmetaphone('Smith') as code, unaccent('Zoë Ñúñez') as plain`.execute(store.db);
    expect(rows[0]?.sim).toBeGreaterThan(0.5);
    expect(rows[0]?.code).toBe('SM0');
    expect(rows[0]?.plain).toBe('Zoe Nunez');
  });

  it('works as a role that is not a superuser', async () => {
    const { rows } = await sql<{ role: string; superuser: boolean }>`
      select current_user as role, (select rolsuper from pg_roles where rolname = current_user) as superuser`.execute(store.db);
    expect(rows[0]).toEqual({ role: APP_ROLE, superuser: false });
  });

  it('the application role cannot rewrite or delete audit events', async () => {
    await sql`insert into audit_events (seq, at, actor_id, category, action, outcome) values (1000000, now(), 'x', 'consultation', 'test', 'success')`.execute(store.db);
    await expect(sql`update audit_events set actor_id = 'y'`.execute(store.db)).rejects.toThrow(/permission denied/);
    await expect(sql`delete from audit_events`.execute(store.db)).rejects.toThrow(/permission denied/);
  });

  it('the application role cannot change the schema', async () => {
    await expect(sql`drop table statements`.execute(store.db)).rejects.toThrow(/must be owner|permission denied/);
  });

  it('indexes statements for lookups by entity, origin and normalised value', async () => {
    const { rows } = await sql<{ indexname: string }>`select indexname from pg_indexes where tablename = 'statements' order by indexname`.execute(store.db);
    expect(rows.map((r) => r.indexname)).toEqual(
      expect.arrayContaining(['statements_entity', 'statements_pkey', 'statements_source_origin', 'statements_value']),
    );
  });
});

describe('embedded data folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'casegraph-store-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('keeps committed work across a reopen', async () => {
    const folder = join(root, 'reopen');
    const first = await createDb({ dataDir: folder });
    await sql`insert into case_counters (year, last_number) values (1999, 7)`.execute(first.db);
    await first.close();
    const second = await createDb({ dataDir: folder });
    expect(second.migrated).toEqual([]);
    const { rows } = await sql<{ n: number }>`select last_number as n from case_counters where year = 1999`.execute(second.db);
    expect(rows[0]?.n).toBe(7);
    await second.close();
  });

  it('a second process on the same folder fails at once, naming the folder and the holder', async () => {
    const folder = join(root, 'locked');
    const store = await createDb({ dataDir: folder });
    try {
      const child = await runNode(
        `import { lockDataFolder } from ${JSON.stringify(new URL('./data-folder-lock.ts', import.meta.url).pathname)};
         try { lockDataFolder(${JSON.stringify(folder)}); console.log('ACQUIRED'); } catch (e) { console.log(e.message); process.exit(3); }`,
      );
      expect(child.code).toBe(3);
      expect(child.stdout).toContain(folder);
      expect(child.stdout).toContain(`process ${process.pid}`);
    } finally {
      await store.close();
    }
    expect(existsSync(join(folder, 'casegraph.lock'))).toBe(false);
  });

  it('the same process opening a held folder again is refused too', async () => {
    const folder = join(root, 'twice');
    const store = await createDb({ dataDir: folder });
    // The holder is alive (this very process), so the second open must fail rather than share.
    await expect(createDb({ dataDir: folder })).rejects.toBeInstanceOf(StoreLocked);
    await store.close();
  });

  it('a lock left by a killed process is taken over', async () => {
    const folder = join(root, 'stale');
    const first = await createDb({ dataDir: folder });
    await first.close();
    const child = await runNode(
      `import { lockDataFolder } from ${JSON.stringify(new URL('./data-folder-lock.ts', import.meta.url).pathname)};
       lockDataFolder(${JSON.stringify(folder)}); console.log('HELD'); process.kill(process.pid, 'SIGKILL');`,
    );
    expect(child.stdout).toContain('HELD');
    const lock = JSON.parse(readFileSync(join(folder, 'casegraph.lock'), 'utf8')) as { pid: number };
    expect(lock.pid).not.toBe(process.pid);
    const store = await createDb({ dataDir: folder });
    const held = JSON.parse(readFileSync(join(folder, 'casegraph.lock'), 'utf8')) as { pid: number };
    expect(held.pid).toBe(process.pid);
    await store.close();
  });

  it('refuses a folder that is not a casegraph store and leaves it untouched', async () => {
    const folder = join(root, 'foreign');
    mkdirSync(folder);
    writeFileSync(join(folder, 'notes.txt'), 'keep me');
    await expect(createDb({ dataDir: folder })).rejects.toThrow(/is not a casegraph store/);
    expect(readFileSync(join(folder, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(join(folder, 'pgdata'))).toBe(false);
    expect(existsSync(join(folder, 'casegraph.lock'))).toBe(false);
  });

  it('refuses a file given as the data folder', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    await expect(createDb({ dataDir: file })).rejects.toThrow(/is not a folder/);
  });
});

describe('server store', () => {
  it('a wrong DATABASE_URL gets a specific error without the password', async () => {
    const error = await createDb({ databaseUrl: 'postgres://someone:s3cret@127.0.0.1:1/nowhere' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailable);
    expect((error as Error).message).toMatch(/cannot connect to PostgreSQL at postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/nowhere: connection refused/);
    expect((error as Error).message).not.toContain('s3cret');
  });

  it('a URL that is not a PostgreSQL URL is refused before connecting', async () => {
    await expect(createDb({ databaseUrl: 'mysql://x@localhost/db' })).rejects.toThrow(/must start with postgres:\/\//);
    await expect(createDb({ databaseUrl: 'not a url' })).rejects.toThrow(/not a valid URL/);
  });
});

function runNode(source: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
