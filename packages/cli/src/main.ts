import { Command, CommanderError } from 'commander';
import { diskFullFrom, isCaseGraphError } from '@casegraph/core';
import { registerAuditCommands } from './commands/audit.js';
import { registerBackupCommands } from './commands/backup.js';
import { registerExportCommands, registerImportCommands } from './commands/import.js';
import { registerOversightCommands } from './commands/oversight.js';
import { registerCaseCommands } from './commands/case.js';
import { registerConnectorCommands } from './commands/connectors.js';
import { registerSearchCommands } from './commands/search.js';
import { registerResolveCommands } from './commands/resolve.js';
import { registerDemoCommands } from './commands/demo.js';
import { registerServeCommands } from './commands/serve.js';
import { registerSourceCommands } from './commands/source.js';

/** Builds the command tree; every command has --help. */
export function buildProgram(): Command {
  const program = new Command('casegraph')
    .description('Investigative case management and link analysis with accountability by construction')
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  registerServeCommands(program);
  registerDemoCommands(program);
  registerSourceCommands(program);
  registerCaseCommands(program);
  registerImportCommands(program);
  registerExportCommands(program);
  registerAuditCommands(program);
  registerBackupCommands(program);
  registerOversightCommands(program);
  registerConnectorCommands(program);
  registerSearchCommands(program);
  registerResolveCommands(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/**
 * Runs the CLI and returns the exit code: 0 on success, 2 for usage errors, 1 otherwise with
 * one line on stderr saying why.
 */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      return error.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`casegraph: ${oneLine(error)}\n`);
    return 1;
  }
}

function oneLine(error: unknown): string {
  if (isCaseGraphError(error)) return error.message.replace(/\s*\n\s*/g, ' ');
  // PostgreSQL's own words for a full disk name its files; the user needs to know what to free.
  const full = diskFullFrom(error);
  if (full !== undefined) return full.message;
  if (error instanceof Error) return (error.message || error.name).split('\n')[0] ?? 'failed';
  return String(error);
}
