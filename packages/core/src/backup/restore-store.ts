import { createReadStream, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { verifyAuditLog } from '../audit/verify-log.js';
import { defaultConfig, type CoreConfig } from '../config/config.js';
import { createContext, LOCAL_OPERATOR, type Actor } from '../context/context.js';
import { runAudited } from '../context/purpose.js';
import { Conflict, Invalid, NotFound } from '../errors.js';
import { createDb, type StoreOptions } from '../store/create-db.js';
import { lockDataFolder } from '../store/data-folder-lock.js';
import { extractTarGz, hashFile, listTar, readMember, type TarMember } from './archive.js';
import { snapshotOf, type BackupProgress } from './backup-store.js';
import { checkManifest, MEMBERS, type BackupManifest } from './manifest.js';
import { checkPgTool, connectionFor, startPgTool, type PgToolOptions } from './pg-tools.js';

/** How to restore a backup. */
export interface RestoreOptions {
  /** Replace a target that already holds a store. */
  force?: boolean;
  /**
   * The public key of the deployment's keys file, when the restorer has it: the manifest must be
   * signed by it. Without it the manifest's own key checks the signature, which catches damage but
   * not a forger who re-signed the archive with a key of their own.
   */
  trustedPublicKey?: string;
  /** Where to write the keys file when the archive carries one (refused if a different one is there). */
  keysPath?: string;
  /** Where pg_restore is, and the environment it runs in. */
  tools?: PgToolOptions;
  actor?: Actor;
  config?: CoreConfig;
  now?: () => Date;
  onProgress?: (progress: BackupProgress) => void;
}

/** A restored store, verified against its backup's manifest. */
export interface RestoreSummary {
  manifest: BackupManifest;
  tables: Record<string, number>;
  auditEvents: number;
  auditRoot: string;
  /** Whether the restored keys file was written (the archive carried one). */
  keysWritten: boolean;
}

const MARKER = 'casegraph.json';
const PGDATA = 'pgdata';
/** Files a data folder may hold and still count as empty: a stale lock, the keys put there first. */
const ALLOWED_IN_EMPTY = new Set(['casegraph.lock', 'casegraph.lock.takeover', 'casegraph-keys.json']);

/**
 * Checks an archive whole (manifest signature, every member's size and SHA-256, no stray bytes)
 * before touching the target, refuses a target that holds a store unless forced, restores, then
 * verifies: every table's row count equals the manifest's, and the audit log recomputes to the
 * same size and root with every signed checkpoint holding. The restore is then recorded as an
 * audit event of the restored store.
 * @example await restoreStore('casegraph.backup', { dataDir: './restored' });
 */
export async function restoreStore(archive: string, target: StoreOptions, options: RestoreOptions = {}): Promise<RestoreSummary> {
  const { manifest, members } = await checkArchive(archive, options);
  const postgres = target.databaseUrl !== undefined && target.databaseUrl !== '';
  if (postgres !== (manifest.store === 'postgres')) {
    throw new Invalid(
      manifest.store === 'postgres'
        ? 'this is a backup of a PostgreSQL store: restore it into a PostgreSQL database (--database-url)'
        : 'this is a backup of an embedded store: restore it into a data folder (--data)',
    );
  }
  const keysMember = members.get(MEMBERS.keys);
  const keysBytes = keysMember !== undefined ? await readMember(archive, keysMember) : undefined;
  if (keysBytes !== undefined && carriedPublicKey(keysBytes) !== manifest.keys.publicKey) {
    throw new Invalid('the keys file in the archive is not the one that signed it');
  }
  if (keysBytes !== undefined && options.keysPath !== undefined && existsSync(options.keysPath) && !readFileSync(options.keysPath).equals(keysBytes)) {
    throw new Conflict(`${options.keysPath} holds other keys than the backup; move it aside, or restore with --keys naming where the backup's keys should go`);
  }
  const data = members.get(postgres ? MEMBERS.postgres : MEMBERS.pglite) as TarMember;
  const onBytes = (bytes: number) => options.onProgress?.({ step: 'restore', bytes, total: data.size });
  if (postgres) await restorePostgres(archive, data, target.databaseUrl as string, options, onBytes);
  else await restorePGlite(archive, data, resolve(target.dataDir ?? './data'), options.force === true, onBytes);
  let keysWritten = false;
  if (keysBytes !== undefined && options.keysPath !== undefined && !existsSync(options.keysPath)) {
    writeFileSync(options.keysPath, keysBytes, { mode: 0o600, flag: 'wx' });
    keysWritten = true;
  }
  options.onProgress?.({ step: 'verify' });
  const store = await createDb(target);
  try {
    const snapshot = await snapshotOf(store.db);
    const wrong = Object.entries(manifest.tables)
      .filter(([table, rows]) => snapshot.tables[table] !== rows)
      .map(([table, rows]) => `${table} has ${snapshot.tables[table] ?? 'no table'} rows, the backup ${rows}`);
    if (wrong.length > 0) throw new Invalid(`the restored store does not match its backup (do not use it): ${wrong.slice(0, 5).join('; ')}`);
    const report = await verifyAuditLog(store.db, { publicKey: manifest.keys.publicKey });
    if (report.problems.length > 0) {
      throw new Invalid(`the restored audit log fails verification (do not use the store): ${report.problems[0]?.message ?? ''} (${report.problems.length} problem(s))`);
    }
    if (report.events !== manifest.audit.size || report.root !== manifest.audit.root) {
      throw new Invalid(`the restored audit log (${report.events} events, root ${report.root}) is not the backed-up one (${manifest.audit.size} events, root ${manifest.audit.root})`);
    }
    const ctx = createContext({ db: store.db, actor: options.actor ?? LOCAL_OPERATOR, config: options.config ?? defaultConfig(), ...(options.now ? { now: options.now } : {}) });
    await runAudited(ctx, { action: 'store.restore', category: 'alteration' }, async () => ({
      value: undefined,
      detail: { data: data.name, sha256: manifest.members.find((m) => m.name === data.name)?.sha256, backupCreatedAt: manifest.createdAt, auditSize: report.events, store: manifest.store },
    }));
    return { manifest, tables: snapshot.tables, auditEvents: report.events, auditRoot: report.root, keysWritten };
  } finally {
    await store.close();
  }
}

/**
 * Reads the archive without changing anything: its tar structure (strictly), the manifest and its
 * signature, and each member's size and SHA-256 against the manifest.
 * @example const { manifest } = await checkArchive('casegraph.backup');
 */
export async function checkArchive(
  archive: string,
  options: Pick<RestoreOptions, 'trustedPublicKey' | 'onProgress'> = {},
): Promise<{ manifest: BackupManifest; members: Map<string, TarMember> }> {
  if (!existsSync(archive)) throw new NotFound(`backup archive ${archive} does not exist`);
  if (!statSync(archive).isFile()) throw new Invalid(`${archive} is not a file`);
  options.onProgress?.({ step: 'check' });
  const listed = await listTar(archive, { strict: true });
  const members = new Map(listed.map((member) => [member.name, member]));
  const manifestMember = members.get(MEMBERS.manifest);
  const signatureMember = members.get(MEMBERS.signature);
  if (manifestMember === undefined || signatureMember === undefined) {
    throw new Invalid(`${archive} is not a casegraph backup, or is truncated: it has no signed ${MEMBERS.manifest}`);
  }
  const manifest = checkManifest(await readMember(archive, manifestMember), (await readMember(archive, signatureMember)).toString('utf8'), options.trustedPublicKey);
  const expected = new Set([MEMBERS.manifest, MEMBERS.signature, ...manifest.members.map((m) => m.name)]);
  const stray = listed.find((member) => !expected.has(member.name as never));
  if (stray !== undefined) throw new Invalid(`the archive holds a member its manifest does not list: ${stray.name}`);
  const total = manifest.members.reduce((sum, m) => sum + m.bytes, 0);
  let before = 0;
  for (const entry of manifest.members) {
    const member = members.get(entry.name);
    if (member === undefined) throw new Invalid(`the archive is truncated or incomplete: ${entry.name} is missing`);
    if (member.size !== entry.bytes) throw new Invalid(`the archive is corrupt: ${entry.name} is ${member.size} bytes, the manifest says ${entry.bytes}`);
    const digest = await hashFile(archive, { start: member.offset, length: member.size }, (bytes) => options.onProgress?.({ step: 'check', bytes: before + bytes, total }));
    if (digest !== entry.sha256) throw new Invalid(`the archive is corrupt: the SHA-256 of ${entry.name} differs from the manifest's`);
    before += member.size;
  }
  if (!members.has(manifest.store === 'postgres' ? MEMBERS.postgres : MEMBERS.pglite)) throw new Invalid('the archive holds no store data');
  return { manifest, members };
}

/** The verifier key of a keys file carried in the archive, or null when it is not one. */
function carriedPublicKey(bytes: Buffer): string | null {
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as { signing?: { publicKey?: unknown } };
    return typeof parsed.signing?.publicKey === 'string' ? parsed.signing.publicKey : null;
  } catch {
    return null;
  }
}

async function restorePGlite(archive: string, data: TarMember, folder: string, force: boolean, onBytes: (bytes: number) => void): Promise<void> {
  if (existsSync(folder)) {
    if (!statSync(folder).isDirectory()) throw new Invalid(`${folder} is not a folder; --data must name a data folder to restore into`);
    const held = readdirSync(folder).filter((name) => !ALLOWED_IN_EMPTY.has(name));
    if (held.length > 0 && !force) {
      throw new Conflict(`${folder} is not empty; restore into an empty folder, or add --force to replace what it holds`);
    }
    if (held.length > 0 && !existsSync(join(folder, MARKER))) {
      throw new Conflict(`${folder} holds files that are not a casegraph store; --force replaces only a casegraph store`);
    }
  }
  // Held through the restore: a server starting on the folder meanwhile fails at once.
  const lock = lockDataFolder(folder);
  try {
    await rm(join(folder, PGDATA), { recursive: true, force: true });
    await rm(join(folder, MARKER), { force: true });
    await extractTarGz(archive, { start: data.offset, length: data.size }, join(folder, PGDATA), onBytes);
    writeFileSync(join(folder, MARKER), JSON.stringify({ format: 1, kind: 'casegraph-store' }) + '\n');
  } finally {
    lock.release();
  }
}

async function restorePostgres(archive: string, data: TarMember, url: string, options: RestoreOptions, onBytes: (bytes: number) => void): Promise<void> {
  await checkPgTool('pg_restore', options.tools ?? {});
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new Invalid(`cannot connect to the PostgreSQL database to restore into: ${(error as Error).message}`);
  }
  let tables: number;
  try {
    const { rows } = await client.query<{ n: string }>(`select count(*)::text as n from information_schema.tables where table_schema = 'public'`);
    tables = Number(rows[0]?.n ?? 0);
  } finally {
    await client.end().catch(() => undefined);
  }
  if (tables > 0 && options.force !== true) {
    throw new Conflict(`the database holds ${tables} table(s); restore into an empty database, or add --force to replace what it holds`);
  }
  const { dbname, password } = connectionFor(url);
  // Owners and grants are the application's own: migrations grant them again when the store opens.
  const args = ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', '--no-password', ...(tables > 0 ? ['--clean', '--if-exists'] : []), '--dbname', dbname];
  const tool = startPgTool('pg_restore', args, { ...options.tools, password });
  let fed = 0;
  const input = createReadStream(archive, { start: data.offset, end: data.offset + data.size - 1 });
  input.on('data', (chunk) => {
    fed += chunk.length;
    onBytes(fed);
  });
  tool.child.stdout.resume();
  await Promise.all([pipeline(input, tool.child.stdin).catch(async (error: unknown) => {
    // pg_restore stopping early closes its input: its own error says why.
    await tool.done;
    throw error;
  }), tool.done]);
}
