/**
 * Issue #9, "habits that keep it so": test-only hooks are not in the packaged extension, the
 * repository holds no machine paths, and F5 works (.vscode/launch.json + tasks.json).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as esbuild from 'esbuild';
import { repoRoot } from './helpers/fixtures';

describe('habits', () => {
  test('the production extension bundle has no test probe, test commands or cancelAfterCases', async () => {
    const out = await esbuild.build({
      entryPoints: [join(repoRoot, 'src/extension.ts')], bundle: true, platform: 'node', format: 'cjs', write: false, minify: true,
      external: ['vscode'], define: { __TEST_HOOKS__: 'false' }, logLevel: 'silent',
    });
    const text = out.outputFiles[0]!.text;
    for (const hook of ['cancelAfterCases', 'TestProbe', 'maskInspector.test.']) assert.equal(text.includes(hook), false, hook);
  });
  test('no machine paths (/[w]ork/…) in tracked files', () => {
    let hits = '';
    try {
      hits = execFileSync('git', ['grep', '-n', '-I', '/[w]ork/', '--', '.', ':!test/unit/habits.test.ts'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    } catch (error) {
      // git grep exits 1 when nothing matches; anything else (no git) is a failure to check.
      assert.equal((error as { status?: number }).status, 1, `git grep could not run: ${String(error)}`);
    }
    assert.equal(hits, '');
  });
  test('.vscode/launch.json and tasks.json exist so F5 builds and runs the extension', () => {
    const launch = readFileSync(join(repoRoot, '.vscode', 'launch.json'), 'utf8');
    assert.match(launch, /"type": "extensionHost"/);
    assert.match(launch, /"preLaunchTask": "npm: build"/);
    assert.ok(existsSync(join(repoRoot, '.vscode', 'tasks.json')));
  });
});
