import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AuditKeys } from '../audit/keys.js';
import { generateCheckpointKey } from '../audit/merkle/index.js';
import { listEvents } from '../audit/record-event.js';
import { checkpointAuditLog, verifyAuditLog } from '../audit/verify-log.js';
import { createCase } from '../cases/index.js';
import { generateDemo } from '../demo/index.js';
import { loadDemo } from '../demo/load-demo.js';
import { Conflict, Invalid, StoreLocked, StoreUnavailable } from '../errors.js';
import { createDb, type StoreOptions } from '../store/create-db.js';
import { copyTemplateDatabase, databaseUrl, dropDatabase } from '../test-support/postgres-databases.js';
import { dialects, testContext, type Dialect } from '../test-support/test-store.js';
import '../test-support/provided-context.js';
import { hashFile, listTar, TarWriter } from './archive.js';
import { backupStore, snapshotOf } from './backup-store.js';
import { signManifest, type BackupManifest } from './manifest.js';
import { restoreStore } from './restore-store.js';

const root = mkdtempSync(join(tmpdir(), 'casegraph-backup-'));
const keys: AuditKeys = { signing: generateCheckpointKey('casegraph'), termsKey: randomBytes(32).toString('base64') };
let demoDir: string;
const dropLater: string[] = [];

beforeAll(async () => {
  demoDir = join(root, 'demo');
  await generateDemo({ entities: 600, seed: 'backup-test', outDir: demoDir });
});
afterAll(async () => {
  const url = process.env.DATABASE_URL;
  if (url !== undefined && url !== '') for (const name of dropLater) await dropDatabase(url, name);
  rmSync(root, { recursive: true, force: true });
});

/** A new, empty PostgreSQL database (no tables); dropped after the file. */
async function emptyDatabase(): Promise<string> {
  const url = process.env.DATABASE_URL as string;
  const name = `casegraph_restore_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  dropLater.push(name);
  return databaseUrl(url, name);
}

async function publicTables(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ n: string }>(`select count(*)::text as n from information_schema.tables where table_schema = 'public'`);
  await client.end();
  return Number(rows[0]?.n);
}

/** A fresh target of the dialect, and how to tell that nothing was written into it. */
async function freshTarget(dialect: Dialect, label: string): Promise<{ options: StoreOptions; untouched: () => Promise<boolean> }> {
  if (dialect === 'pglite') {
    const dataDir = join(root, `${label}-${randomBytes(3).toString('hex')}`);
    return { options: { dataDir }, untouched: async () => !existsSync(dataDir) };
  }
  const url = await emptyDatabase();
  return { options: { databaseUrl: url }, untouched: async () => (await publicTables(url)) === 0 };
}

describe.each(dialects())('backup and restore on %s', (dialect) => {
  let source: StoreOptions;
  let before: Record<string, number>;
  let archive: string;

  beforeAll(async () => {
    if (dialect === 'pglite') source = { dataDir: join(root, 'source') };
    else {
      const copy = await copyTemplateDatabase(process.env.DATABASE_URL as string, inject('postgresTemplate') as string);
      dropLater.push(copy.name);
      source = { databaseUrl: copy.url };
    }
    const store = await createDb(source);
    const ctx = testContext(store);
    await loadDemo(ctx, { dir: demoDir });
    await createCase(ctx, { title: 'Harbour payments', purpose: 'fraud-audit' });
    await checkpointAuditLog(ctx, keys);
    before = (await snapshotOf(store.db)).tables;
    await store.close();
    archive = join(root, `${dialect}.backup`);
    await backupStore(source, { out: archive, keys, tools: { env: process.env } });
  });

  it('restores into a fresh store with the same rows in every table and an audit log that verifies', async () => {
    const target = await freshTarget(dialect, 'copy');
    const restored = await restoreStore(archive, target.options, { trustedPublicKey: keys.signing.publicKey, tools: { env: process.env } });
    expect(restored.manifest.tables).toEqual(before);
    expect(before.statements).toBeGreaterThan(1000);
    const store = await createDb(target.options);
    try {
      const after = (await snapshotOf(store.db)).tables;
      // The restore itself is the one event (and head move) the copy has beyond the backup.
      expect({ ...after, audit_events: (after.audit_events ?? 0) - 1 }).toEqual(before);
      const report = await verifyAuditLog(store.db, { publicKey: keys.signing.publicKey });
      expect(report.problems).toEqual([]);
      expect(report.events).toBe((before.audit_events ?? 0) + 1);
      expect(report.checkpointsChecked).toBe(1);
      const [event] = await listEvents(store.db, { action: 'store.restore' });
      expect(event?.detail).toMatchObject({ backupCreatedAt: restored.manifest.createdAt, auditSize: before.audit_events });
    } finally {
      await store.close();
    }
  });

  it('records the backup in the backed-up store with its digest and size, and nothing personal', async () => {
    const store = await createDb(source);
    try {
      const events = await listEvents(store.db, { action: 'store.backup' });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actor_id: 'local-operator', category: 'disclosure', subject_ids: [], object_ids: [], outcome: 'success' });
      const { data, ...detail } = events[0]?.detail as { data: string };
      expect(data).toMatch(/^[0-9a-f]{64}$/);
      expect(detail).toEqual({
        sha256: await hashFile(archive),
        bytes: readFileSync(archive).length,
        store: dialect,
        tables: Object.keys(before).length,
        rows: Object.values(before).reduce((a, b) => a + b, 0),
        auditSize: before.audit_events,
        keysIncluded: false,
      });
    } finally {
      await store.close();
    }
  });

  it('refuses a truncated archive, a flipped byte and a tampered manifest before writing anything', async () => {
    const bytes = readFileSync(archive);
    const members = await listTar(archive, { strict: true });
    const data = members[0];
    const manifest = members.find((m) => m.name === 'manifest.json');
    if (data === undefined || manifest === undefined) throw new Error('archive lacks members');
    const truncated = join(root, `${dialect}-truncated.backup`);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const flipped = join(root, `${dialect}-flipped.backup`);
    const flip = Buffer.from(bytes);
    const at = data.offset + Math.floor(data.size / 2);
    flip[at] = (flip[at] as number) ^ 0x01;
    writeFileSync(flipped, flip);
    const tampered = join(root, `${dialect}-tampered.backup`);
    const text = bytes.subarray(manifest.offset, manifest.offset + manifest.size).toString('utf8');
    const changed = text.replace(/"statements": (\d)/, (_, d: string) => `"statements": ${(Number(d) + 1) % 10}`);
    expect(changed).not.toBe(text);
    writeFileSync(tampered, Buffer.concat([bytes.subarray(0, manifest.offset), Buffer.from(changed), bytes.subarray(manifest.offset + manifest.size)]));
    for (const [file, message] of [
      [truncated, /truncated/],
      [flipped, /SHA-256 of store\.\S+ differs/],
      [tampered, /altered after it was signed/],
    ] as const) {
      const target = await freshTarget(dialect, 'refused');
      await expect(restoreStore(file, target.options)).rejects.toThrow(message);
      await expect(restoreStore(file, target.options)).rejects.toBeInstanceOf(Invalid);
      expect(await target.untouched()).toBe(true);
    }
  });

  it('a signed archive whose data does not give the manifest\'s rows fails verification after the restore', async () => {
    const bytes = readFileSync(archive);
    const members = await listTar(archive, { strict: true });
    const entry = members.find((m) => m.name === 'manifest.json');
    if (entry === undefined) throw new Error('archive lacks its manifest');
    const manifest = JSON.parse(bytes.subarray(entry.offset, entry.offset + entry.size).toString('utf8')) as BackupManifest;
    manifest.tables.cases = (manifest.tables.cases ?? 0) + 1;
    // Made by someone holding the signing key: the signature holds, the data does not agree.
    const forged = join(root, `${dialect}-forged.backup`);
    const writer = await TarWriter.create(forged);
    for (const member of members.filter((m) => !m.name.startsWith('manifest.'))) {
      await writer.addBuffer(member.name, bytes.subarray(member.offset, member.offset + member.size), new Date());
    }
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    await writer.addBuffer('manifest.json', manifestBytes, new Date());
    await writer.addBuffer('manifest.sig', Buffer.from(signManifest(keys, manifestBytes, manifest.audit.size)), new Date());
    await writer.finish();
    const target = await freshTarget(dialect, 'forged');
    await expect(restoreStore(forged, target.options, { tools: { env: process.env } })).rejects.toThrow(
      /^the restored store does not match its backup \(do not use it\): cases has \d+ rows, the backup \d+$/,
    );
  });

  it.runIf(dialect === 'postgres')('backs up a server that keeps writing: the counts and the dump read one snapshot', async () => {
    const store = await createDb(source);
    const ctx = testContext(store);
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await createCase(ctx, { title: `Busy case ${written}`, purpose: 'fraud-audit' });
        written++;
      }
    })();
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const busy = join(root, 'busy.backup');
      const writtenBefore = written;
      const made = await backupStore(source, { out: busy, keys, tools: { env: process.env } });
      expect(written).toBeGreaterThan(writtenBefore);
      writing = false;
      await writer;
      // The restore checks every table's rows and the audit root against the manifest.
      const target = await freshTarget(dialect, 'busy');
      const restored = await restoreStore(busy, target.options, { tools: { env: process.env } });
      expect(restored.tables.cases).toBe(made.manifest.tables.cases);
      expect(made.manifest.tables.cases).toBeGreaterThan(before.cases ?? 0);
    } finally {
      writing = false;
      await writer;
      await store.close();
    }
  });

  it('refuses an archive signed by another key than the deployment holds', async () => {
    const target = await freshTarget(dialect, 'other-key');
    const other = generateCheckpointKey('casegraph');
    await expect(restoreStore(archive, target.options, { trustedPublicKey: other.publicKey })).rejects.toThrow(/signed by another key/);
    expect(await target.untouched()).toBe(true);
  });

  it('refuses to restore over a store that holds data unless forced, then replaces it', async () => {
    const target = await freshTarget(dialect, 'occupied');
    const occupied = await createDb(target.options);
    await createCase(testContext(occupied), { title: 'Quay holdings', purpose: 'fraud-audit' });
    const kept = (await snapshotOf(occupied.db)).tables;
    await occupied.close();
    await expect(restoreStore(archive, target.options)).rejects.toBeInstanceOf(Conflict);
    await expect(restoreStore(archive, target.options)).rejects.toThrow(/add --force/);
    const still = await createDb(target.options);
    expect((await snapshotOf(still.db)).tables).toEqual(kept);
    await still.close();
    const restored = await restoreStore(archive, target.options, { force: true, tools: { env: process.env } });
    expect(restored.tables.cases).toBe(before.cases);
  });

  it('puts the keys file in the archive only when asked, and restores it beside the data', async () => {
    const keysFile = join(root, `${dialect}-keys.json`);
    writeFileSync(keysFile, JSON.stringify({ format: 'casegraph-keys/1', ...keys }));
    const withKeys = join(root, `${dialect}-with-keys.backup`);
    const summary = await backupStore(source, { out: withKeys, keys, includeKeysFile: keysFile, tools: { env: process.env } });
    expect(summary.manifest.keys.included).toBe(true);
    expect(summary.manifest.members.map((m) => m.name)).toContain('casegraph-keys.json');
    const target = await freshTarget(dialect, 'keys');
    const keysPath = join(root, `${dialect}-restored-keys.json`);
    const restored = await restoreStore(withKeys, target.options, { keysPath, tools: { env: process.env } });
    expect(restored.keysWritten).toBe(true);
    expect(readFileSync(keysPath)).toEqual(readFileSync(keysFile));
  });
});

describe('backup refusals', () => {
  it('refuses to back up a data folder another process holds', async () => {
    const dataDir = join(root, 'held');
    const store = await createDb({ dataDir });
    try {
      await expect(backupStore({ dataDir }, { out: join(root, 'held.backup'), keys })).rejects.toBeInstanceOf(StoreLocked);
      expect(existsSync(join(root, 'held.backup'))).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('names the missing PostgreSQL programs before any work starts', async () => {
    const out = join(root, 'no-tools.backup');
    await expect(backupStore({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none' }, { out, keys, tools: { pgBin: join(root, 'no-such-folder') } })).rejects.toThrow(
      /pg_dump was not found in .*no-such-folder/,
    );
    await expect(backupStore({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none' }, { out, keys, tools: { pgBin: join(root, 'no-such-folder') } })).rejects.toBeInstanceOf(StoreUnavailable);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a file that is not a backup, and a missing one', async () => {
    const junk = join(root, 'junk.backup');
    writeFileSync(junk, 'not an archive at all'.repeat(100));
    await expect(restoreStore(junk, { dataDir: join(root, 'junk-target') })).rejects.toThrow(/corrupt|truncated|not a casegraph backup/);
    await expect(restoreStore(join(root, 'missing.backup'), { dataDir: join(root, 'junk-target') })).rejects.toThrow(/does not exist/);
    expect(existsSync(join(root, 'junk-target'))).toBe(false);
  });
});
