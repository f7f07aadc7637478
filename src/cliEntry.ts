/**
 * The `mask-inspector` command (dist/cli.js). For `compare` it starts a range worker first, so
 * the worker boots while Node compiles and initialises the CLI itself (dist/cliMain.js, ≈ 500 KB,
 * ≈ 25 ms): the label is then inflated ≈ 25 ms sooner (issue #10, docs/performance.md). Nothing
 * else happens here; src/cli.ts is the CLI.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { prestartRangeWorker } from './worker/prestart';

// The default --jobs is one thread per core, the CLI's own included; on one core there is no worker.
if (process.argv[2] === 'compare' && availableParallelism() > 1) prestartRangeWorker(join(__dirname, 'rangeWorker.js'));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a separate bundle, loaded after the worker started
(require('./cliMain.js') as typeof import('./cli')).runCli();
