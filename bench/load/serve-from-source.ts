// `casegraph` run from the TypeScript sources (`--from-source`), for measuring changes not built yet.
import { main } from '@casegraph/cli';

process.exitCode = await main(process.argv.slice(2));
