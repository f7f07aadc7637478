/**
 * Creating output folders and temporary files safely (issue #9):
 * - `makeFolders` creates a folder and its missing parents one level at a time. Node's
 *   `mkdir({ recursive: true })` spins forever at full CPU under /proc (libuv retries ENOENT);
 *   this walks each level once and fails with the first error.
 * - Temporary files are created exclusively (`wx`): a file or symlink planted under the name makes
 *   the create fail instead of being followed.
 * - Leftovers of a killed run (`.<name>.tmp-<pid>-…`, spool folders `…-<pid>-…`) are removed
 *   when their process is gone.
 */
import { lstat, mkdir, open, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

export async function makeFolders(dir: string): Promise<void> {
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    try {
      const s = await stat(at);
      if (!s.isDirectory()) throw Object.assign(new Error(`${at} is not a folder`), { code: 'ENOTDIR' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      missing.push(at);
      const parent = dirname(at);
      if (parent === at) throw error;
      at = parent;
    }
  }
  for (const folder of missing.reverse()) {
    try {
      await mkdir(folder);
    } catch (error) {
      // Someone else made it meanwhile: fine if it is a folder.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !(await stat(folder)).isDirectory()) throw error;
    }
  }
}

/** `.<name>.tmp-<pid>-<random>`: whose it is stays readable, so leftovers can be cleaned. */
export function temporaryName(dir: string, name: string): string {
  return join(dir, `.${name}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
}

/** Opens a new file for writing; fails if anything (a file, a planted symlink) has that name. */
export function createExclusive(path: string): Promise<FileHandle> {
  return open(path, 'wx', 0o644);
}

function processIsGone(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes entries of `dir` named by `pattern` (its first group: the writer's pid) whose process
 * is gone. A symlink is removed itself, never followed. Returns the names removed.
 */
export async function removeStale(dir: string, pattern: RegExp): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return []; // no folder yet: nothing left over
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m || !processIsGone(Number(m[1]))) continue;
    const path = join(dir, name);
    const s = await lstat(path).catch(() => null);
    if (s === null) continue;
    await rm(path, { recursive: s.isDirectory(), force: true });
    removed.push(name);
  }
  return removed;
}
