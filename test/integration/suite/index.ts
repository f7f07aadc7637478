/**
 * Entry point VS Code loads as `extensionTestsPath`, inside the extension host (Node).
 * Runs every dist-test/integration/suite/**\/*.test.js with mocha's TDD interface
 * (`suite` / `test` / `suiteSetup`), the style VS Code's own extension tests use.
 *
 * VS Code treats a rejected run() as a failed test run (extension host exit code 1).
 * The counts also go out as a `MOCHA-RESULT {...}` console line, which reaches the runner
 * through the workbench log, so it can print `N passed, N failed`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';
import { EXT_HOST_TAG, formatResultLine } from '../harness/logLines';

/**
 * Prefixes everything this extension host prints (suite and extension alike) so the runner
 * can tell it from the workbench's own log lines. VS Code's console forwarder defines
 * console.log & co. with a no-op setter, so the methods cannot be replaced; the global
 * `console` binding can, and code looks it up at each call. Formatting here keeps `%s` intact.
 */
function tagConsole(): void {
  const forwarder = globalThis.console;
  const tagged = Object.create(forwarder) as Console;
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const send = forwarder[level].bind(forwarder);
    Object.defineProperty(tagged, level, {
      configurable: true,
      value: (...args: unknown[]): void => {
        send(format(...args).split('\n').map((line) => EXT_HOST_TAG + line).join('\n'));
      },
    });
  }
  globalThis.console = tagged;
  // Mocha's reporters print through the console.log they captured when mocha was loaded.
  Mocha.reporters.Base.consoleLog = tagged.log;
}

export function run(): Promise<void> {
  tagConsole();
  const mocha = new Mocha({
    ui: 'tdd',
    color: false, // the output ends up in a log, not a terminal
    // Generous: the first test pays for activation, and a loaded 2-core CI machine is slow.
    timeout: Number(process.env['MOCHA_TIMEOUT_MS'] ?? 60_000),
    ...(process.env['MOCHA_GREP'] ? { grep: process.env['MOCHA_GREP'] } : {}),
  });

  const files = readdirSync(__dirname, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.js') && hasSource(f))
    .sort();
  for (const f of files) mocha.addFile(join(__dirname, f));

  return new Promise<void>((resolve, reject) => {
    let runner: Mocha.Runner;
    try {
      runner = mocha.run();
    } catch (err) {
      // A test file that throws while loading lands here; no counts means the runner fails the run.
      console.error(`integration suite failed to load: ${(err as Error).stack ?? String(err)}`);
      reject(err);
      return;
    }
    runner.on('end', () => {
      const stats = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      console.log(formatResultLine({ passed: stats.passes, failed: stats.failures, pending: stats.pending }));
      if (files.length === 0) reject(new Error(`no *.test.js files under ${__dirname}`));
      else if (stats.failures > 0) reject(quietError(`${stats.failures} integration test(s) failed`));
      else resolve();
    });
  });
}

/**
 * build.mjs never empties dist-test/, so a deleted or renamed test would keep running from
 * its old .js. Skip compiled tests whose .ts is gone (when the sources are around at all).
 */
function hasSource(compiled: string): boolean {
  const sourceDir = resolve(__dirname, '..', '..', '..', 'test', 'integration', 'suite');
  if (!existsSync(sourceDir)) return true;
  if (existsSync(join(sourceDir, compiled.replace(/\.js$/, '.ts')))) return true;
  console.log(`skipping ${compiled}: stale build output, its source test/integration/suite/${compiled.replace(/\.js$/, '.ts')} is gone`);
  return false;
}

/** VS Code logs a rejected run() with its stack; mocha already said where tests failed. */
function quietError(message: string): Error {
  const err = new Error(message);
  err.stack = message;
  return err;
}
