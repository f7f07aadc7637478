/**
 * The same integration suite in desktop VS Code through @vscode/test-electron, for people
 * with internet or a desktop VS Code. Not used by CI: on the project's machines the download
 * from the update server fails (use `npm run test:integration` there).
 *
 *   npm run test:electron                               downloads VS Code (cached in .vscode-test/)
 *   VSCODE_VERSION=1.100.3 npm run test:electron        a given version (default: 1.100.3, matching engines)
 *   VSCODE_EXECUTABLE_PATH=/usr/share/code/code npm run test:electron   an installed VS Code, no download
 *
 * Linux without a display: wrap in `xvfb-run -a`.
 */
import { rmSync } from 'node:fs';
import { runTests } from '@vscode/test-electron';
import { parseResultLine, type SuiteCounts } from './harness/logLines';
import { builtSuiteIndex, copyWorkspace } from './harness/testPaths';
import { findRepoRoot } from './harness/vscodeServer';

/** Watches VS Code's stdout (which test-electron forwards to ours) for the suite's counts. */
function tapCounts(): () => SuiteCounts | undefined {
  let counts: SuiteCounts | undefined;
  let pending = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    pending += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) counts = parseResultLine(line) ?? counts;
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
  return () => counts;
}

async function main(): Promise<number> {
  const repo = findRepoRoot();
  const extensionTestsPath = builtSuiteIndex(repo);
  const workspace = copyWorkspace(repo);
  const counts = tapCounts();
  const executable = process.env['VSCODE_EXECUTABLE_PATH'];
  let code: number;
  try {
    code = await runTests({
      extensionDevelopmentPath: repo,
      extensionTestsPath,
      ...(executable ? { vscodeExecutablePath: executable } : { version: process.env['VSCODE_VERSION'] ?? '1.100.3' }),
      // Only our extension, no trust prompt, no state from the person's own VS Code.
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } catch (err) {
    const message = (err as Error).message;
    if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN/.test(message)) {
      console.error(`runner: could not download VS Code (${message}).\n` +
        '  Offline? Use `npm run test:integration` (VS Code server, no download), or set VSCODE_EXECUTABLE_PATH.');
    } else {
      console.error(`runner: ${message}`);
    }
    code = 1;
  }
  rmSync(workspace, { recursive: true, force: true });
  const c = counts();
  const passed = c?.passed ?? 0;
  const failed = (c?.failed ?? 0) + (code !== 0 && !c?.failed ? 1 : 0) + (code === 0 && !c ? 1 : 0);
  if (!c) console.log('runner: the suite reported no MOCHA-RESULT line');
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`runner: ${(err as Error).message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
