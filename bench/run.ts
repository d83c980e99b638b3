// `npm run bench -- NAME [options]`: runs bench/NAME.ts, which prints its own table of figures.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const [name, ...args] = process.argv.slice(2);
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !['run.ts', 'machine.ts', 'postgres.ts'].includes(f) && !f.endsWith('.test.ts'))
  .map((f) => f.replace(/\.ts$/, ''));
if (name === undefined || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- NAME [options]\nbenchmarks: ${available.join(', ')}\n`);
  process.exit(name === undefined ? 0 : 2);
}
const file = join(here, `${name}.ts`);
if (!existsSync(file)) process.exit(2);
const bench = (await import(pathToFileURL(file).href)) as { run(args: string[]): Promise<void> };
try {
  await bench.run(args);
} catch (error) {
  process.stderr.write(`bench ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
