// Crash harness: kill -9 of the server or of the database at random moments during imports and
// case updates, then restart and check that every acknowledged write is there, imports are whole
// batches or absent, and the audit log verifies. `npm run bench -- crash [--mode M] [--cycles N] [--seed S]`.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { CRASH_MODES, quantile, runCrashMode, type CrashFigures, type CrashMode } from './crash/harness.js';
import { describeMachine, printTable } from './machine.js';

/** The table row of one mode's figures. */
export function figuresRow(f: CrashFigures): Array<string | number> {
  return [
    f.mode,
    f.cycles,
    f.kills,
    f.acknowledged,
    f.acknowledgedRows,
    f.lost.length,
    f.partialBatches.length,
    f.verifyProblems.length,
    Math.round(quantile(f.restarts, 0.5)),
    Math.round(quantile(f.restarts, 0.95)),
    `${f.unavailable}/${f.internal}/${f.leaks}`,
    f.serverDeaths,
    f.startFailures,
    Math.round(f.seconds),
  ];
}

export const FIGURES_HEADERS = ['mode', 'cycles', 'kills', 'acked writes', 'acked rows', 'lost', 'half batches', 'verify failures', 'restart p50 ms', 'restart p95 ms', '503/500/leaks', 'server deaths', 'start failures', 'seconds'];

/** `npm run bench -- crash [--mode server-postgres|postgres|pglite|all] [--cycles 200] [--seed crash]`. */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { mode: { type: 'string', default: 'all' }, cycles: { type: 'string', default: '200' }, seed: { type: 'string', default: 'crash' } } });
  const cycles = Number(values.cycles);
  if (!Number.isInteger(cycles) || cycles < 1) throw new Error('--cycles must be a whole number of at least 1');
  const modes = values.mode === 'all' ? CRASH_MODES : CRASH_MODES.filter((m) => m === values.mode);
  if (modes.length === 0) throw new Error(`--mode must be one of ${CRASH_MODES.join(', ')} or all`);
  const results: CrashFigures[] = [];
  // Ctrl+C or SIGTERM ends the run after the cycle under way, with its checks, and prints the figures so far.
  const stop = new AbortController();
  const onSignal = () => {
    process.stderr.write('stopping after this cycle (signal again to end at once)\n');
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  for (const mode of modes as CrashMode[]) {
    if (stop.signal.aborted) break;
    const loadBefore = loadavg()[0] ?? 0;
    const figures = await runCrashMode({ mode, cycles, seed: values.seed, stop: stop.signal, onCycle: (line) => process.stderr.write(`${line}\n`) });
    results.push(figures);
    process.stdout.write(`\n${mode}: ${figures.cycles} of ${cycles} cycles, seed ${values.seed}; load average ${loadBefore.toFixed(2)} before, ${(loadavg()[0] ?? 0).toFixed(2)} after\n`);
    printTable(FIGURES_HEADERS, [figuresRow(figures)]);
    process.stdout.write(`imports ${figures.imports}, notes ${figures.notes}; other error answers ${figures.otherErrors}\n`);
    for (const line of [...figures.lost, ...figures.partialBatches, ...figures.verifyProblems, ...figures.samples].slice(0, 20)) process.stdout.write(`  ${line}\n`);
  }
  if (results.length > 1) {
    process.stdout.write('\n');
    printTable(FIGURES_HEADERS, results.map(figuresRow));
  }
  process.stdout.write(`machine: ${describeMachine()}\n`);
  const failed = results.some((f) => f.lost.length + f.partialBatches.length + f.verifyProblems.length + f.internal + f.leaks + f.serverDeaths > 0);
  if (failed) throw new Error('the crash harness found lost writes, half-written batches, audit problems or internal errors (listed above)');
}
