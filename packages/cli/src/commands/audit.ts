import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkpointAuditLog, createContext, LOCAL_OPERATOR, loadOrCreateKeys, readKeys, verifyAuditLog } from '@casegraph/core';
import { createProgress } from '../progress.js';
import { loadConfig, openStore, resolveKeysPath, storeFlags, type StoreFlags } from '../store-options.js';

type AuditFlags = StoreFlags & { keys?: string };

/** `casegraph audit checkpoint` and `casegraph audit verify`. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('sign and verify the tamper-evident audit log');
  storeFlags(
    audit
      .command('checkpoint')
      .description('sign the audit log as it stands and print (or write) the checkpoint to keep outside the database')
      .option('--out <file>', 'write the signed checkpoint to this file')
      .option('--keys <file>', 'keys file (default: $CASEGRAPH_KEYS, or casegraph-keys.json beside the data)'),
  ).action(async (flags: AuditFlags & { out?: string }) => {
    const config = loadConfig(flags);
    const store = await openStore(flags);
    try {
      const keys = loadOrCreateKeys(resolveKeysPath(flags), 'casegraph');
      const ctx = createContext({ db: store.db, actor: LOCAL_OPERATOR, config, purpose: { caseId: null, code: 'oversight', justification: 'audit checkpoint' } });
      const checkpoint = await checkpointAuditLog(ctx, keys);
      if (flags.out !== undefined) {
        writeFileSync(flags.out, checkpoint.note);
        process.stderr.write(`Checkpoint of ${checkpoint.treeSize} events written to ${flags.out}\n`);
      } else {
        process.stdout.write(checkpoint.note);
      }
    } finally {
      await store.close();
    }
  });

  storeFlags(
    audit
      .command('verify')
      .description('recompute the audit tree from every event and check it against the signed checkpoints')
      .option('--checkpoint <file...>', 'checkpoint files kept outside the database, to check as well')
      .option('--keys <file>', 'keys file holding the public key (default: $CASEGRAPH_KEYS, or casegraph-keys.json beside the data)'),
  ).action(async (flags: AuditFlags & { checkpoint?: string[] }) => {
    loadConfig(flags);
    const keys = readKeys(resolveKeysPath(flags));
    const external = (flags.checkpoint ?? []).map((file) => {
      try {
        return readFileSync(file, 'utf8');
      } catch (error) {
        throw new Error(`cannot read the checkpoint file ${file}: ${(error as Error).message}`);
      }
    });
    const store = await openStore(flags);
    try {
      const progress = createProgress('verifying events');
      const report = await verifyAuditLog(store.db, { publicKey: keys.signing.publicKey, externalCheckpoints: external, onProgress: (n) => progress.update(n) });
      progress.finish();
      if (report.problems.length > 0) {
        for (const problem of report.problems.slice(0, 20)) process.stderr.write(`  ${problem.kind}: ${problem.message}\n`);
        throw new Error(`the audit log fails verification: ${report.problems.length} problem(s) in ${report.events} events`);
      }
      process.stdout.write(
        `Audit log verified: ${report.events} events, ${report.checkpointsChecked} signed checkpoint(s) match, ${report.consistencyProofs} consistency and ${report.inclusionProofs} inclusion proof(s) hold, root ${report.root}\n`,
      );
    } finally {
      await store.close();
    }
  });
}
