/** Where the built suite lives and the scratch workspace it opens; shared by both runners. */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** Path of the compiled suite index, after checking the extension and suite are built. */
export function builtSuiteIndex(repo: string): string {
  const suiteIndex = join(repo, 'dist-test', 'integration', 'suite', 'index.js');
  for (const file of [join(repo, 'dist', 'extension.js'), suiteIndex]) {
    if (!existsSync(file)) throw new Error(`${relative(repo, file)} is missing: run \`npm run build\` first`);
  }
  return suiteIndex;
}

const WORKSPACE_PREFIX = 'mask-inspector-ws-';
const DAY_MS = 24 * 3600 * 1000;

/** A scratch copy of test/integration/workspace, so tests may write into their workspace. */
export function copyWorkspace(repo: string): string {
  const dir = mkdtempSync(join(tmpdir(), WORKSPACE_PREFIX));
  const source = join(repo, 'test', 'integration', 'workspace');
  if (existsSync(source)) cpSync(source, dir, { recursive: true });
  return dir;
}

/**
 * Failed runs keep their server data and workspace for inspection; remove those older than
 * a day so repeated failures do not fill the disk.
 */
export function pruneOldRuns(runsDir: string): void {
  const cutoff = Date.now() - DAY_MS;
  const prune = (dir: string, prefix: string): void => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      if (!name.startsWith(prefix)) continue;
      const path = join(dir, name);
      try {
        if (statSync(path).mtimeMs < cutoff) rmSync(path, { recursive: true, force: true });
      } catch {
        // raced with another run's cleanup: nothing to do
      }
    }
  };
  prune(runsDir, 'run-');
  prune(tmpdir(), WORKSPACE_PREFIX);
}
