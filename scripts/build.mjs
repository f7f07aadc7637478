// One esbuild script for every bundle: extension host, worker, CLI, webview, and the tests.
// Tests are bundled too because Node 20 cannot run TypeScript and two dependencies are ESM-only.
import * as esbuild from 'esbuild';
import { readdirSync, existsSync, chmodSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  external: ['vscode', 'playwright-core', 'mocha', 'fast-check', 'esbuild'],
  // Test-only hooks (the editor probe, test commands, cancelAfterCases) are compiled out of the
  // packaged extension: `if (__TEST_HOOKS__ …)` becomes `if (false …)` and the code is dropped.
  define: { __TEST_HOOKS__: production ? 'false' : 'true' },
};

function entries(dir, suffix) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(suffix))
    .map((f) => join(dir, f));
}

const builds = [
  {
    ...node,
    entryPoints: Object.fromEntries(
        [['extension', 'src/extension.ts'], ['worker', 'src/worker/worker.ts'], ['rangeWorker', 'src/worker/rangeWorker.ts'], ['caseWorker', 'src/worker/caseWorker.ts'], ['reportIndexWorker', 'src/worker/reportIndexWorker.ts']]
          .filter(([, p]) => existsSync(p))),
    outdir: 'dist',
  },
  {
    ...node,
    entryPoints: { cliMain: 'src/cli.ts' },
    outdir: 'dist',
  },
  {
    // The command itself: a few lines that start `compare`'s worker, then load cliMain.js (src/cliEntry.ts).
    ...node,
    entryPoints: { cli: 'src/cliEntry.ts' },
    external: [...node.external, './cliMain.js'],
    banner: { js: '#!/usr/bin/env node' },
    outdir: 'dist',
  },
  {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
    entryPoints: existsSync('webview/main.ts') ? { webview: 'webview/main.ts' } : {},
    outdir: 'dist',
  },
  {
    ...node,
    entryPoints: [
      ...entries('test/unit', '.test.ts'),
      ...entries('test/bench', '.ts'),
      ...entries('test/e2e', '.test.ts'),
      ...entries('test/integration', '.ts'),
    ],
    outbase: 'test',
    outdir: 'dist-test',
  },
];

for (const options of builds) {
  if (Array.isArray(options.entryPoints) ? options.entryPoints.length === 0 : Object.keys(options.entryPoints).length === 0) continue;
  if (watch) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  } else {
    await esbuild.build(options);
  }
}
if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
if (watch) console.log('watching…');
