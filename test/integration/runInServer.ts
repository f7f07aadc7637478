/**
 * Runs the integration suite (dist-test/integration/suite) inside a real VS Code: VS Code's
 * server from code-server, its Node extension host, and Debian's chromium as the workbench.
 * Works offline; see scripts/setup-test-env.sh and shared/notes/real-vscode-tests.md.
 *
 *   npm run test:integration              build, then run
 *   INTEGRATION_TIMEOUT_MS=120000 …       overall timeout (default 10 min)
 *   KEEP_TEST_DIRS=1 …                    keep the server data and workspace copy after a pass
 *   INTEGRATION_VERBOSE=1 …               print every workbench log line, not just the extension host's
 *
 * Ends with the plain line `N passed, N failed` that CI reads, and exits 1 on any failure.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PAGE_DRIVER_ENV, parsePageRequest, runPageRequest } from './harness/pageDriver';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './harness/browser';
import { findRepoRoot, freePort, startServer, workbenchUrl, type RunningServer } from './harness/vscodeServer';
import { builtSuiteIndex, copyWorkspace, pruneOldRuns } from './harness/testPaths';
import { formatLogMessage, lineToShow, parseResultLine, type SuiteCounts } from './harness/logLines';

type Outcome =
  | { kind: 'exit'; code: number }
  | { kind: 'timeout' }
  | { kind: 'interrupted'; signal: NodeJS.Signals }
  | { kind: 'crash'; reason: string };

const repo = findRepoRoot();
const timeoutMs = Number(process.env['INTEGRATION_TIMEOUT_MS'] ?? 10 * 60_000);
const verbose = process.env['INTEGRATION_VERBOSE'] === '1';
const resultsDir = join(repo, 'test-results');

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, name);
  try {
    await page.screenshot({ path: file, timeout: 10_000 });
    console.log(`runner: screenshot ${relative(repo, file)}`);
  } catch (err) {
    console.log(`runner: no screenshot (${(err as Error).message.split('\n')[0]})`);
  }
}

async function main(): Promise<number> {
  const suiteIndex = builtSuiteIndex(repo);
  if (!(timeoutMs > 0)) throw new Error(`INTEGRATION_TIMEOUT_MS must be a positive number of ms, got ${process.env['INTEGRATION_TIMEOUT_MS']}`);
  const runsDir = join(repo, '.vscode-test', 'runs');
  mkdirSync(runsDir, { recursive: true });
  pruneOldRuns(runsDir);
  const runDir = mkdtempSync(join(runsDir, 'run-'));
  const workspace = copyWorkspace(repo);
  const workbenchLog = join(runDir, 'workbench.log');
  rmSync(join(resultsDir, 'integration-failure.png'), { force: true }); // no stale evidence

  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let counts: SuiteCounts | undefined;
  const cleanup = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  };
  const started = Date.now();
  let finished = false;
  let settle: (o: Outcome) => void = () => undefined;
  const settled = new Promise<Outcome>((resolve) => { settle = (o) => { finished = true; resolve(o); }; });
  // Ctrl+C ends the run through the normal path (screenshot, stop chromium and the server
  // group, report). `once`: a second Ctrl+C exits at once; the server dies with us anyway.
  const onSignal = (signal: NodeJS.Signals): void => settle({ kind: 'interrupted', signal });
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  // One deadline for everything: server start, chromium, workbench load, the suite.
  const timer = setTimeout(() => settle({ kind: 'timeout' }), timeoutMs);
  let page: Page | undefined;

  const drive = async (): Promise<void> => {
    const port = await freePort();
    process.env[PAGE_DRIVER_ENV] = '1'; // inherited by the server's extension host: the suite's page actions have a driver
    server = await startServer({ repo, port, dataDir: runDir });
    console.log(`runner: VS Code server ${server.origin} (pid ${server.pid}) up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    void server.exited.then((why) => settle({ kind: 'crash', reason: `the VS Code server stopped (${why})` }));
    browser = await launchChromium();
    const p = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page = p;

    // The workbench's smoke-test driver calls these two: every log line (the extension
    // host's console among them), and the extension host's exit code when the suite ends.
    await p.exposeFunction('codeAutomationLog', (level: string, message: unknown) => {
      const text = formatLogMessage(message);
      appendFileSync(workbenchLog, `[${level}] ${text}\n`);
      counts = parseResultLine(text) ?? counts;
      const request = parsePageRequest(text);
      if (request !== undefined) void runPageRequest(p, request);
      const shown = verbose ? text : request !== undefined ? undefined : lineToShow(level, text);
      if (shown !== undefined) console.log(shown);
    });
    await p.exposeFunction('codeAutomationExit', async (code: number) => {
      if (finished) return; // e.g. the workbench gives up after the server died: already reported
      // Screenshot first: the workbench may tear down once this returns.
      await screenshot(p, code === 0 ? 'integration-workbench.png' : 'integration-failure.png');
      settle({ kind: 'exit', code });
    });
    p.on('crash', () => settle({ kind: 'crash', reason: 'the workbench page crashed' }));
    p.on('pageerror', (err) => appendFileSync(workbenchLog, `[pageerror] ${err.stack ?? err.message}\n`));
    p.on('console', (msg) => appendFileSync(workbenchLog, `[console.${msg.type()}] ${msg.text()}\n`));

    const url = workbenchUrl(server.origin, { folder: workspace, extensionDevelopmentPath: repo, extensionTestsPath: suiteIndex });
    await p.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  };
  drive().catch((err: unknown) => settle({ kind: 'crash', reason: (err as Error).message.split('\nCall log:')[0] ?? '' }));

  const outcome = await settled;
  clearTimeout(timer);
  if (outcome.kind !== 'exit' && page) await screenshot(page, 'integration-failure.png');
  if (outcome.kind === 'crash' && server) console.log(`runner: server log tail (${server.logFile}):\n${server.logTail(15)}`);
  await cleanup();
  process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  return report(outcome, counts, { runDir, workspace, workbenchLog, seconds: (Date.now() - started) / 1000 });
}

/** Prints the verdict and the closing line; a run that went wrong outside mocha counts as one failure. */
function report(outcome: Outcome, counts: SuiteCounts | undefined,
  run: { runDir: string; workspace: string; workbenchLog: string; seconds: number }): number {
  let passed = counts?.passed ?? 0;
  let failed = counts?.failed ?? 0;
  let problem: string | undefined;
  if (outcome.kind === 'timeout') problem = `timed out after ${timeoutMs / 1000} s (INTEGRATION_TIMEOUT_MS)`;
  else if (outcome.kind === 'crash') problem = outcome.reason;
  else if (outcome.kind === 'interrupted') problem = `interrupted by ${outcome.signal}`;
  else if (!counts) problem = `the suite reported no MOCHA-RESULT line (extension host exit code ${outcome.code}); did it load?`;
  else if (outcome.code !== 0 && failed === 0) problem = `the extension host exited with ${outcome.code} although no test failed`;
  else if (passed + failed === 0) problem = 'the suite ran no test';
  if (problem) {
    console.log(`runner: FAILED: ${problem}`);
    failed += 1;
  }
  const ok = failed === 0 && passed > 0;
  if (ok && process.env['KEEP_TEST_DIRS'] !== '1') {
    rmSync(run.runDir, { recursive: true, force: true });
    rmSync(run.workspace, { recursive: true, force: true });
  } else {
    console.log(`runner: kept server data ${relative(repo, run.runDir)} (workbench log: ${relative(repo, run.workbenchLog)}), workspace ${run.workspace}`);
  }
  console.log(`runner: finished in ${run.seconds.toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return ok ? 0 : outcome.kind === 'interrupted' ? 130 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Setup errors (not built, server not installed): say what to do, still close for CI.
    console.error(`runner: ${(err as Error).message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
