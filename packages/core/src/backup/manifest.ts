import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Invalid } from '../errors.js';
import { MerkleFrontier, signCheckpoint, verifyCheckpoint, type FrontierJson } from '../audit/merkle/index.js';
import type { AuditKeys } from '../audit/keys.js';

/** The archive format this version writes and reads. */
export const BACKUP_FORMAT = 'casegraph-backup/1';

/** Names of the archive's members. */
export const MEMBERS = {
  manifest: 'manifest.json',
  signature: 'manifest.sig',
  pglite: 'store.pgdata.tar.gz',
  postgres: 'store.pgdump',
  keys: 'casegraph-keys.json',
} as const;

/** What a backup holds, written into the archive beside the data and signed with the audit key. */
export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  casegraphVersion: string;
  createdAt: string;
  store: 'pglite' | 'postgres';
  /** Migrations applied to the store that was backed up, in order. */
  migrations: string[];
  /** Rows of every table, counted in the same snapshot as the data. */
  tables: Record<string, number>;
  /** The audit tree at the snapshot: the restored log must give the same size and root. */
  audit: { size: number; root: string };
  /** The verifier key of the checkpoints; whether the secret keys travel in the archive. */
  keys: { publicKey: string; included: boolean };
  members: Array<{ name: string; bytes: number; sha256: string }>;
}

/** The store's state read inside one snapshot: tables and their rows, migrations, the audit head. */
export interface StoreSnapshot {
  migrations: string[];
  tables: Record<string, number>;
  audit: { size: number; root: string };
}

/** Runs one SQL statement inside the snapshot's transaction. */
export type SnapshotQuery = (statement: string) => Promise<Array<Record<string, unknown>>>;

/** Counts every table's rows and reads the audit head, through a query bound to one snapshot. */
export async function readSnapshot(query: SnapshotQuery): Promise<StoreSnapshot> {
  const tables: Record<string, number> = {};
  const names = await query(`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`);
  for (const { name } of names) {
    const [row] = await query(`select count(*)::text as n from "${String(name).replace(/"/g, '""')}"`);
    tables[String(name)] = Number(row?.n ?? 0);
  }
  const migrations = 'kysely_migration' in tables ? (await query('select name from kysely_migration order by name')).map((r) => String(r.name)) : [];
  const [head] = 'audit_head' in tables ? await query('select size::text as size, frontier from audit_head where id = 1') : [];
  const frontier = head === undefined ? new MerkleFrontier() : MerkleFrontier.fromJSON((typeof head.frontier === 'string' ? JSON.parse(head.frontier) : head.frontier) as FrontierJson);
  return { migrations, tables, audit: { size: Number(head?.size ?? 0), root: frontier.root().toString('base64') } };
}

/** The version of casegraph writing the backup. */
export function casegraphVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

const SIGNATURE_ORIGIN = 'casegraph backup manifest';

/** Signs the manifest's bytes with the deployment's checkpoint key (a signed note over their SHA-256). */
export function signManifest(keys: Pick<AuditKeys, 'signing'>, manifest: Buffer, auditSize: number): string {
  return signCheckpoint(keys.signing, { origin: SIGNATURE_ORIGIN, treeSize: auditSize, rootHash: createHash('sha256').update(manifest).digest() });
}

/** Parses and checks the manifest against its signature; throws Invalid on anything off. */
export function checkManifest(bytes: Buffer, signature: string, trustedPublicKey: string | undefined): BackupManifest {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as BackupManifest;
  } catch {
    throw new Invalid('the archive is corrupt: its manifest is not readable JSON');
  }
  const format: unknown = (manifest as { format?: unknown }).format;
  if (format !== BACKUP_FORMAT) {
    throw new Invalid(`the archive is not a backup this version reads (format ${JSON.stringify(format)}, expected ${String(BACKUP_FORMAT)})`);
  }
  if (typeof manifest.keys?.publicKey !== 'string' || !Array.isArray(manifest.members) || typeof manifest.tables !== 'object') {
    throw new Invalid('the archive is corrupt: its manifest lacks keys, members or tables');
  }
  if (trustedPublicKey !== undefined && trustedPublicKey !== manifest.keys.publicKey) {
    throw new Invalid(`the backup was signed by another key (${manifest.keys.publicKey.split('+')[0]}+${manifest.keys.publicKey.split('+')[1]}) than the deployment's keys file holds`);
  }
  let signed;
  try {
    signed = verifyCheckpoint(signature, trustedPublicKey ?? manifest.keys.publicKey);
  } catch (error) {
    throw new Invalid(`the archive's manifest fails its signature: ${(error as Error).message}`);
  }
  if (!signed.rootHash.equals(createHash('sha256').update(bytes).digest()) || signed.treeSize !== manifest.audit.size) {
    throw new Invalid('the archive\'s manifest was altered after it was signed');
  }
  return manifest;
}
