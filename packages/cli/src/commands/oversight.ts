import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import {
  anomalyQueue,
  applyRetention,
  createContext,
  LOCAL_OPERATOR,
  readKeys,
  releaseAccount,
  setAccountDisabled,
  userActivity,
  whoLookedUp,
  type AccessRecord,
  type AuditKeys,
  type Ctx,
} from '@casegraph/core';
import { loadConfig, openStore, resolveKeysPath, storeFlags, type StoreFlags } from '../store-options.js';

type ReportFlags = StoreFlags & { justification: string; format: 'text' | 'jsonl'; keys?: string };

function printRecords(records: AccessRecord[], format: 'text' | 'jsonl'): void {
  for (const r of records) {
    if (format === 'jsonl') {
      process.stdout.write(JSON.stringify(r) + '\n');
    } else {
      const who = r.username ?? r.actorId;
      const context = [r.caseId ?? '-', r.purpose ?? '-', r.justification === null ? '' : JSON.stringify(r.justification)].join(' ');
      const terms = r.terms === null ? '' : ` terms ${JSON.stringify(r.terms)}`;
      process.stdout.write(`${r.at.toISOString()}  ${who}  ${r.action} ${r.outcome}  ${context}${terms}\n`);
    }
  }
  if (format === 'text') process.stderr.write(`${records.length} record(s)\n`);
}

async function withOperator<T>(flags: StoreFlags & { justification?: string }, work: (ctx: Ctx) => Promise<T>): Promise<T> {
  const config = loadConfig(flags);
  const store = await openStore(flags);
  try {
    const purpose = flags.justification === undefined ? null : { caseId: null, code: 'oversight', justification: flags.justification };
    return await work(createContext({ db: store.db, actor: LOCAL_OPERATOR, config, purpose }));
  } finally {
    await store.close();
  }
}

function termsKeys(flags: StoreFlags & { keys?: string }): Pick<AuditKeys, 'termsKey'> | undefined {
  const path = resolveKeysPath(flags);
  return existsSync(path) ? readKeys(path) : undefined;
}

function reportCommand(parent: Command, name: string, description: string): Command {
  return storeFlags(
    parent
      .command(name)
      .description(description)
      .requiredOption('--justification <text>', 'why this report is run (recorded in the audit log)')
      .option('--format <format>', 'text or jsonl', 'text')
      .option('--keys <file>', 'keys file, to open sealed query terms'),
  );
}

/** `casegraph oversight ...`, `casegraph retention apply` and `casegraph user ...`. */
export function registerOversightCommands(program: Command): void {
  const oversight = program.command('oversight').description('oversight reports (run as the local operator, under the oversight purpose; audited)');
  reportCommand(oversight, 'lookups', 'who looked up a subject: when, which case, purpose and justification')
    .requiredOption('--subject <id>', 'the entity id of the subject')
    .action(async (flags: ReportFlags & { subject: string }) => {
      const keys = termsKeys(flags);
      const records = await withOperator(flags, (ctx) => whoLookedUp(ctx, { subjectId: flags.subject, ...(keys ? { keys } : {}) }));
      printRecords(records, flags.format);
    });
  reportCommand(oversight, 'activity', "one user's activity")
    .requiredOption('--user <username>', 'the user')
    .option('--from <date>', 'from this date or time (ISO 8601)')
    .option('--to <date>', 'up to this date or time (ISO 8601)')
    .action(async (flags: ReportFlags & { user: string; from?: string; to?: string }) => {
      const parse = (text: string | undefined, name: string) => {
        if (text === undefined) return undefined;
        const date = new Date(text);
        if (Number.isNaN(date.getTime())) throw new Error(`--${name} must be a date such as 2026-03-01 or 2026-03-01T09:00Z, got "${text}"`);
        return date;
      };
      const from = parse(flags.from, 'from');
      const to = parse(flags.to, 'to');
      const keys = termsKeys(flags);
      const records = await withOperator(flags, (ctx) => userActivity(ctx, { username: flags.user, ...(from ? { from } : {}), ...(to ? { to } : {}), ...(keys ? { keys } : {}) }));
      printRecords(records, flags.format);
    });
  reportCommand(oversight, 'queue', 'the review queue: volume spikes and after-hours bulk reads').action(async (flags: ReportFlags) => {
    const anomalies = await withOperator(flags, (ctx) => anomalyQueue(ctx));
    for (const a of anomalies) {
      if (flags.format === 'jsonl') process.stdout.write(JSON.stringify(a) + '\n');
      else process.stdout.write(`${a.hour.toISOString()}  ${a.username ?? a.actorId}  ${a.kind}  ${a.detail}${a.signedOff ? `  signed off by ${a.signedOff.by}` : ''}\n`);
    }
  });

  const retention = program.command('retention').description('retention of statements and cases');
  storeFlags(retention.command('apply').description('erase what has passed its retention date, unless a legal hold applies')).action(async (flags: StoreFlags) => {
    const result = await withOperator(flags, (ctx) => applyRetention(ctx));
    process.stdout.write(`Erased ${result.statements} statement(s) and ${result.cases} case(s); kept ${result.heldStatements} statement(s) and ${result.heldCases} case(s) under legal hold\n`);
  });

  const user = program.command('user').description('account administration (as the local operator)');
  for (const [verb, description] of [
    ['release', 'release an account locked after failed sign-ins'],
    ['disable', 'disable an account; its sessions and tokens end at once'],
    ['enable', 'enable a disabled account'],
  ] as const) {
    storeFlags(user.command(verb).description(description).argument('<username>', 'the account')).action(async (username: string, flags: StoreFlags) => {
      await withOperator(flags, (ctx) => (verb === 'release' ? releaseAccount(ctx, username) : setAccountDisabled(ctx, username, verb === 'disable')));
      process.stdout.write(`${username}: ${verb === 'release' ? 'released' : `${verb}d`}\n`);
    });
  }
}
