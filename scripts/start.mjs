// `npm start`: build, make sure a sample prediction/label pair exists, and open it in a
// VS Code with this extension loaded for development.
//   - desktop VS Code (`code` on PATH): opens a new Extension Development Host window;
//   - otherwise: starts VS Code's server (from code-server, see scripts/setup-test-env.sh)
//     on 127.0.0.1 and prints the URL to open in a browser. Ctrl+C stops it.
// PORT=8080 npm start picks the port (default: a free one).
// Both modes pass the sample prediction as the file to open. VS Code opens it before the
// extension under development has registered its editor, so it first lands in the text editor;
// the extension moves such tabs into Mask Inspector when it activates (src/editor/reopenTabs.ts,
// activation event onStartupFinished). test/e2e/firstRun.test.ts checks this with nothing clicked.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const sampleDir = join(repo, 'sample');

function fail(message) {
  console.error(`start: ${message}`);
  process.exit(1);
}

function run(cmd, args, what) {
  console.log(`start: ${what}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: repo, stdio: 'inherit' });
  if (r.error) fail(`${what} could not start: ${r.error.message}`);
  if (r.status !== 0) fail(`${what} failed (exit ${r.status ?? r.signal}); see the output above`);
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Files under sample/, relative, sorted (the sample may be a flat pair or an nnU-Net-style tree). */
function sampleFiles() {
  if (!existsSync(sampleDir)) return [];
  return readdirSync(sampleDir, { recursive: true })
    .map(String)
    .filter((f) => !f.split('/').some((part) => part.startsWith('.')) && statSync(join(sampleDir, f)).isFile())
    .sort();
}

/** The prediction of the sample pair, by its name or folder (pred…/prob…), else undefined. */
function predictionFile() {
  const hit = sampleFiles().find((f) => /pred|prob/i.test(f) && !/label|gt|truth/i.test(f));
  return hit ? join(sampleDir, hit) : undefined;
}

function ensureSample() {
  if (sampleFiles().length > 0) return;
  const maker = join(repo, 'dist-test', 'bench', 'make-sample.js');
  if (!existsSync(maker)) {
    mkdirSync(sampleDir, { recursive: true });
    console.log('start: sample/ is empty and there is no sample maker yet ' +
      '(test/bench/make-sample.ts → dist-test/bench/make-sample.js).\n' +
      '       Opening the empty sample/ folder; drop a prediction and a label mask into it.');
    return;
  }
  run(process.execPath, [maker], 'making the sample pair');
  if (sampleFiles().length === 0) console.log(`start: ${maker} ran but sample/ is still empty`);
}

async function startServerMode() {
  const require = createRequire(import.meta.url);
  const harness = join(repo, 'dist-test', 'integration', 'harness', 'vscodeServer.js');
  if (!existsSync(harness)) fail(`${harness} is missing after the build; is test/integration/harness/vscodeServer.ts there?`);
  const { serverMainPath, startServer, freePort, workbenchUrl } = require(harness);
  try {
    serverMainPath(repo);
  } catch {
    console.log('start: no desktop `code` on PATH and the VS Code server is not installed yet; installing it');
    run('bash', [join(repo, 'scripts', 'setup-test-env.sh')], 'setting up the VS Code server');
  }

  const port = process.env.PORT ? Number(process.env.PORT) : await freePort();
  if (!Number.isInteger(port) || port <= 0 || port > 65535) fail(`PORT must be a port number, got ${process.env.PORT}`);
  // Fresh server data each start: no stale extension caches from an older build.
  const dataDir = join(repo, '.vscode-test', 'start');
  rmSync(dataDir, { recursive: true, force: true });
  let server;
  try {
    server = await startServer({ repo, port, dataDir, testDriver: false });
  } catch (err) {
    fail(err.message);
  }
  const prediction = predictionFile();
  const url = workbenchUrl(server.origin, {
    folder: sampleDir,
    extensionDevelopmentPath: repo,
    ...(prediction ? { openFile: prediction } : {}),
  });
  console.log(`\nstart: VS Code is running with Mask Inspector loaded for development. Open in a browser:\n\n  ${url}\n`);
  console.log(`start: server log ${server.logFile}. Ctrl+C to stop.`);

  let stopping = false;
  const stop = async (signal) => {
    stopping = true;
    console.log(`\nstart: ${signal}, stopping the VS Code server`);
    await server.stop();
    console.log('start: stopped');
    process.exit(0);
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
  const why = await server.exited;
  if (stopping) return; // stop() above finishes and exits
  console.error(`start: the VS Code server stopped on its own (${why}). Last log lines:\n${server.logTail(20)}`);
  process.exit(1);
}

run(process.execPath, [join(repo, 'scripts', 'build.mjs')], 'building');
ensureSample();
if (onPath('code')) {
  const prediction = predictionFile();
  run('code', [`--extensionDevelopmentPath=${repo}`, sampleDir, ...(prediction ? [prediction] : [])],
    'opening desktop VS Code');
} else {
  await startServerMode();
}
