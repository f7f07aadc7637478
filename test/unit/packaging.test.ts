/**
 * What ships: the files `npm run package` (vsce) puts in the .vsix and `npm pack` in the CLI's
 * tarball come from one `files` list in package.json. vsce refuses a .vscodeignore beside it
 * (which once broke `npm run package`), and every bundle a shipped bundle loads must be listed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from './helpers/fixtures';

/** Every bundle the extension, the workers and the CLI load at run time, and the editor's media. */
const NEEDED = [
  'dist/extension.js', 'dist/worker.js', 'dist/rangeWorker.js', 'dist/caseWorker.js', 'dist/reportIndexWorker.js',
  'dist/webview.js', 'dist/cli.js', 'dist/cliMain.js', 'media/editor.css', 'media/mask-inspector.svg', 'README.md', 'LICENSE',
];

test('vsce lists every bundle and the media, with no .vscodeignore beside package.json files', () => {
  assert.equal(existsSync(join(repoRoot, '.vscodeignore')), false, 'vsce refuses a .vscodeignore together with "files"');
  const r = spawnSync(process.execPath, [join(repoRoot, 'node_modules/@vscode/vsce/vsce'), 'ls', '--no-dependencies'], {
    cwd: repoRoot, encoding: 'utf8', timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const listed = new Set(r.stdout.split('\n').map((l) => l.trim()).filter(Boolean));
  for (const file of NEEDED) assert.ok(listed.has(file), `${file} is not in the .vsix`);
  assert.ok(![...listed].some((f) => f.startsWith('src/') || f.startsWith('test/') || f.endsWith('.map')), 'sources, tests or source maps would ship');
});

test('npm pack holds the CLI and the bundles it loads', () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const [pack] = JSON.parse(r.stdout) as [{ files: { path: string }[] }];
  const paths = new Set(pack.files.map((f) => f.path));
  for (const file of NEEDED) assert.ok(paths.has(file), `${file} is not in the npm tarball`);
});
