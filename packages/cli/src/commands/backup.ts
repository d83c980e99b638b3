import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { backupStore, loadOrCreateKeys, readKeys, restoreStore, type BackupProgress } from '@casegraph/core';
import { createProgress, type Progress } from '../progress.js';
import { loadConfig, resolveKeysPath, resolveStoreOptions, storeFlags, type StoreFlags } from '../store-options.js';

type BackupFlags = StoreFlags & { out: string; keys?: string; withKeys?: boolean; pgBin?: string };
type RestoreFlags = StoreFlags & { force?: boolean; keys?: string; pgBin?: string };

const STEPS: Record<BackupProgress['step'], string> = {
  snapshot: 'reading the store',
  data: 'writing the archive, MB',
  check: 'checking the archive, MB',
  restore: 'restoring, MB',
  verify: 'verifying the restored store',
};

/** One progress line per step, in megabytes where the step moves bytes. */
function progressByStep(): { onProgress: (progress: BackupProgress) => void; finish: () => void } {
  let step: BackupProgress['step'] | undefined;
  let current: Progress | undefined;
  return {
    onProgress: (progress) => {
      if (progress.step !== step) {
        current?.finish();
        step = progress.step;
        current = createProgress(STEPS[progress.step]);
        if (progress.step === 'snapshot' || progress.step === 'verify') process.stderr.write(`${STEPS[progress.step]}...\n`);
      }
      if (progress.bytes !== undefined) current?.update(Math.round(progress.bytes / 1e6), progress.total === undefined ? undefined : Math.round(progress.total / 1e6));
    },
    finish: () => current?.finish(),
  };
}

/** The folder of pg_dump and pg_restore: --pg-bin, then PG_BIN, else PATH. */
function pgBinOf(flags: { pgBin?: string }): string | undefined {
  const dir = flags.pgBin ?? (process.env.PG_BIN !== undefined && process.env.PG_BIN !== '' ? process.env.PG_BIN : undefined);
  return dir === undefined ? undefined : resolve(dir);
}

/** `casegraph backup` and `casegraph restore`. */
export function registerBackupCommands(program: Command): void {
  storeFlags(
    program
      .command('backup')
      .description('write the whole store (data, evidence, audit log) into one checked archive; the server may keep running on PostgreSQL, not on a data folder')
      .requiredOption('--out <file>', 'the archive to write (refused if it exists)')
      .option('--keys <file>', 'keys file that signs the archive (default: $CASEGRAPH_KEYS, or casegraph-keys.json beside the data)')
      .option('--with-keys', 'put the keys file in the archive too (the archive is then as secret as the keys)')
      .option('--pg-bin <dir>', 'folder holding pg_dump (default: $PG_BIN, else PATH)'),
  ).action(async (flags: BackupFlags) => {
    const config = loadConfig(flags);
    const keysPath = resolveKeysPath(flags);
    const keys = loadOrCreateKeys(keysPath, 'casegraph');
    const progress = progressByStep();
    const pgBin = pgBinOf(flags);
    const summary = await backupStore(resolveStoreOptions(flags), {
      out: resolve(flags.out),
      keys,
      config,
      ...(flags.withKeys === true ? { includeKeysFile: keysPath } : {}),
      tools: { env: process.env, ...(pgBin !== undefined ? { pgBin } : {}) },
      onProgress: progress.onProgress,
    });
    progress.finish();
    const { manifest } = summary;
    const rows = Object.values(manifest.tables).reduce((sum, n) => sum + n, 0);
    process.stdout.write(
      `Backup written to ${summary.archive}: ${summary.bytes.toLocaleString('en')} bytes, sha256 ${summary.sha256}; ` +
        `${Object.keys(manifest.tables).length} tables, ${rows.toLocaleString('en')} rows, audit log of ${manifest.audit.size.toLocaleString('en')} events (root ${manifest.audit.root})\n`,
    );
    if (!manifest.keys.included) {
      process.stderr.write(`The archive holds no secret keys: keep ${keysPath} safe apart from it; restoring needs it to open sealed query terms and to sign new checkpoints with the same key.\n`);
    }
  });

  storeFlags(
    program
      .command('restore')
      .description('check a backup archive whole, restore it into an empty store, then verify row counts and the audit log against it')
      .argument('<file>', 'the backup archive')
      .option('--force', 'replace a store that already holds data')
      .option('--keys <file>', 'the deployment keys file: the archive must be signed by it, and keys carried in the archive are written here (default: $CASEGRAPH_KEYS, or casegraph-keys.json beside the data)')
      .option('--pg-bin <dir>', 'folder holding pg_restore (default: $PG_BIN, else PATH)'),
  ).action(async (file: string, flags: RestoreFlags) => {
    const config = loadConfig(flags);
    const keysPath = resolveKeysPath(flags);
    const trusted = existsSync(keysPath) ? readKeys(keysPath).signing.publicKey : undefined;
    const progress = progressByStep();
    const pgBin = pgBinOf(flags);
    const target = resolveStoreOptions(flags);
    const summary = await restoreStore(resolve(file), target, {
      config,
      keysPath,
      ...(flags.force === true ? { force: true } : {}),
      ...(trusted !== undefined ? { trustedPublicKey: trusted } : {}),
      tools: { env: process.env, ...(pgBin !== undefined ? { pgBin } : {}) },
      onProgress: progress.onProgress,
    });
    progress.finish();
    const rows = Object.values(summary.manifest.tables).reduce((sum, n) => sum + n, 0);
    process.stdout.write(
      `Restored ${file} (made ${summary.manifest.createdAt}): ${Object.keys(summary.manifest.tables).length} tables and ${rows.toLocaleString('en')} rows match the backup; ` +
        `audit log verified: ${summary.auditEvents.toLocaleString('en')} events, root ${summary.auditRoot}\n`,
    );
    if (summary.keysWritten) process.stderr.write(`The backup's keys file was written to ${keysPath}.\n`);
    else if (trusted === undefined) {
      process.stderr.write(
        `No keys file at ${keysPath}: put the deployment's keys file there (public key ${summary.manifest.keys.publicKey}) before serving, or sealed query terms cannot be opened and new checkpoints would be signed by another key.\n`,
      );
    }
  });
}
