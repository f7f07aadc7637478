/**
 * Starts and stops VS Code's own server (from the npm package code-server, installed by
 * scripts/setup-test-env.sh) for the integration runner and for `npm start`.
 *
 * Why the raw server-main.js and not the `code-server` wrapper: the wrapper rejects
 * --enable-smoke-test-driver, which the runner needs to hear the suite's exit code.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { dirname, join } from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
export const HOST = '127.0.0.1';

/** Settings that keep a fresh workbench quiet: no walkthroughs, tips, update or telemetry prompts. */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'npm.autoDetect': 'off',
  'chat.disableAIFeatures': true,
};

/** The repository root: the nearest folder above `from` whose package.json is ours. */
export function findRepoRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const name = (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name;
      if (name === 'mask-inspector') return dir;
    }
    if (dirname(dir) === dir) throw new Error(`cannot find the mask-inspector repository above ${from}`);
  }
}

/** Path of VS Code's server entry point, or an error that says how to install it. */
export function serverMainPath(repo: string): string {
  const pkgDir = join(repo, '.vscode-test', 'code-server', 'node_modules', 'code-server');
  const main = join(pkgDir, 'lib', 'vscode', 'out', 'server-main.js');
  let version: string | undefined;
  try {
    version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    version = undefined;
  }
  if (version !== CODE_SERVER_VERSION || !existsSync(main)) {
    const found = version ? `found code-server@${version}` : 'code-server is not installed';
    throw new Error(`VS Code server missing (${found}, need ${CODE_SERVER_VERSION} in .vscode-test/code-server).\n` +
      '  Install it once with: npm run setup:test-env');
  }
  return main;
}

/** A port that was free a moment ago (the OS picks it; the server binds it right after). */
export function freePort(host = HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Refuses a busy port: talking to a stale server would test old code and look like success. */
export function assertPortFree(port: number, host = HOST): Promise<void> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', (err: NodeJS.ErrnoException) => reject(new Error(
      `port ${port} on ${host} is not free (${err.code ?? err.message}); ` +
      'stop whatever listens there (ss -ltnp) or choose another port')));
    srv.listen(port, host, () => srv.close(() => resolve()));
  });
}

export interface ServerOptions {
  readonly repo: string;
  readonly port: number;
  /** Fresh folder for everything the server writes: data, user settings, extensions, XDG, log. */
  readonly dataDir: string;
  readonly host?: string;
  /** Extra user settings merged over QUIET_SETTINGS. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Expose the smoke-test driver (needed by the test runner; default true). */
  readonly testDriver?: boolean;
}

export interface RunningServer {
  readonly pid: number;
  readonly origin: string;
  readonly logFile: string;
  /** Settles when the server process ends, with why (exit code or signal). */
  readonly exited: Promise<string>;
  /** Last lines of the server's log, for error messages. */
  logTail(lines?: number): string;
  /** Stops the server and every process it started (its process group). */
  stop(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? HOST;
  const main = serverMainPath(opts.repo);
  await assertPortFree(opts.port, host);

  const d = opts.dataDir;
  const userDir = join(d, 'user');
  const settings = JSON.stringify({ ...QUIET_SETTINGS, ...opts.settings }, null, 2);
  // User settings for the server side; Machine settings too, because a remote workbench
  // reads the server's Machine/settings.json and they apply over the browser's own.
  for (const scope of ['User', 'Machine']) {
    mkdirSync(join(userDir, scope), { recursive: true });
    writeFileSync(join(userDir, scope, 'settings.json'), settings);
  }
  const xdg = { XDG_CONFIG_HOME: join(d, 'xdg', 'config'), XDG_DATA_HOME: join(d, 'xdg', 'data'),
    XDG_CACHE_HOME: join(d, 'xdg', 'cache'), XDG_STATE_HOME: join(d, 'xdg', 'state') };
  for (const dir of Object.values(xdg)) mkdirSync(dir, { recursive: true });
  mkdirSync(join(d, 'ext'), { recursive: true });

  const logFile = join(d, 'server.log');
  const logFd = openSync(logFile, 'a');
  const args = [main, '--host', host, '--port', String(opts.port),
    '--without-connection-token', '--accept-server-license-terms',
    ...(opts.testDriver === false ? [] : ['--enable-smoke-test-driver']),
    '--disable-telemetry', '--disable-workspace-trust',
    '--server-data-dir', d, '--user-data-dir', userDir, '--extensions-dir', join(d, 'ext')];
  // detached = setsid: the server becomes a process-group leader, so `kill -PGID` also
  // reaches its extension host, file watcher and pty host.
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    // EXTENSIONS_GALLERY='{}' (read by code-server's server): no marketplace, so the
    // workbench does not query open-vsx.org, which only fails (slowly, noisily) offline.
    env: { ...process.env, ...xdg, EXTENSIONS_GALLERY: '{}', VSCODE_CLI: undefined, ELECTRON_RUN_AS_NODE: undefined },
  });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${process.execPath} ${main}`);

  let exited: string | undefined;
  const exitedPromise = new Promise<string>((resolve) => child.on('exit', (code, signal) => {
    exited = signal ? `signal ${signal}` : `exit code ${code}`;
    resolve(exited);
  }));
  // Last resort: never leave a server behind, even when this process dies from an exception.
  const killGroup = (): void => { try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ } };
  process.on('exit', killGroup);

  const origin = `http://${host}:${opts.port}`;
  const logTail = (lines = 30): string => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no server log)';
    }
  };

  const stop = async (): Promise<void> => {
    process.off('exit', killGroup);
    if (exited) return;
    try { process.kill(-pid, 'SIGTERM'); } catch { return; }
    const deadline = Date.now() + 5000;
    while (!exited && Date.now() < deadline) await sleep(100);
    killGroup(); // children that ignored SIGTERM (or a server that hung)
  };

  const deadline = Date.now() + 60_000;
  while (!(await answers(origin))) {
    if (exited) {
      throw new Error(`VS Code server stopped while starting (${exited}). Log ${logFile}:\n${logTail()}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`VS Code server did not answer on ${origin} within 60 s. Log ${logFile}:\n${logTail()}`);
    }
    await sleep(250);
  }
  return { pid, origin, logFile, exited: exitedPromise, logTail, stop };
}

/** Workbench URL that opens `folder` with our extension loaded for development. */
export function workbenchUrl(origin: string, p: {
  folder: string; extensionDevelopmentPath: string; extensionTestsPath?: string; openFile?: string;
}): string {
  // The server resolves vscode-remote URIs against its own file system.
  const remote = (path: string): string => `vscode-remote://${new URL(origin).host}${path}`;
  const payload: [string, string][] = [['extensionDevelopmentPath', remote(p.extensionDevelopmentPath)]];
  if (p.extensionTestsPath) payload.push(['extensionTestsPath', remote(p.extensionTestsPath)]);
  if (p.openFile) payload.push(['openFile', remote(p.openFile)]);
  payload.push(['skipWelcome', 'true'], ['skipReleaseNotes', 'true']);
  return `${origin}/?folder=${encodeURIComponent(p.folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

function answers(origin: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(origin, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode !== undefined && res.statusCode < 500);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
