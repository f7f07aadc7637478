// npm test — the one test command (README and .ci/run): prepares the machine (idempotent),
// builds, typechecks, lints (with a format check), runs the unit and browser tests (node:test) and the suite inside a real
// VS Code, then prints one closing line `N passed, N failed` over all of them.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

const skipSetup = process.env.MASK_INSPECTOR_SKIP_SETUP === '1';
const onlyUnit = process.argv.includes('--unit');

function run(command, args, { capture = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (chunk) => { out += chunk; process.stdout.write(chunk); });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), out }));
  });
}

function step(name) {
  console.log(`\n=== ${name} ===`);
}

const totals = { passed: 0, failed: 0 };
let broken = false;

if (!skipSetup && !onlyUnit) {
  step('prepare the machine (chromium, VS Code server)');
  if ((await run('bash', ['scripts/setup-test-env.sh'])).code !== 0) broken = true;
}
step('build');
if ((await run('node', ['scripts/build.mjs'])).code !== 0) broken = true;
step('typecheck');
if ((await run('npx', ['tsc', '-p', '.', '--noEmit'])).code !== 0) broken = true;
if ((await run('npx', ['tsc', '-p', 'webview', '--noEmit'])).code !== 0) broken = true;

step('lint and format check (eslint: typescript-eslint + @stylistic; eslint.config.mjs)');
if ((await run('npx', ['eslint', '.'])).code !== 0) broken = true;

step(onlyUnit ? 'unit tests' : 'unit and browser tests (node:test)');
mkdirSync('test-results', { recursive: true });
const suites = onlyUnit ? ['dist-test/unit/'] : ['dist-test/unit/', 'dist-test/e2e/'];
const unit = await run('node', ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', '--test-reporter-destination=test-results/node-test.tap', ...suites]);
const tap = readFileSync('test-results/node-test.tap', 'utf8');
const count = (name) => Number(/^# (\w+) (\d+)$/gm.exec(tap) && [...tap.matchAll(new RegExp(`^# ${name} (\\d+)$`, 'gm'))].at(-1)?.[1] || 0);
totals.passed += count('pass');
totals.failed += count('fail') + count('cancelled');
if (unit.code !== 0 && count('fail') === 0) broken = true;

if (!onlyUnit) {
  step('integration tests inside VS Code (server + chromium)');
  const integration = await run('node', ['dist-test/integration/runInServer.js'], { capture: true });
  const line = [...integration.out.matchAll(/^(\d+) passed, (\d+) failed$/gm)].at(-1);
  if (line) {
    totals.passed += Number(line[1]);
    totals.failed += Number(line[2]);
  }
  if (integration.code !== 0 && (!line || Number(line[2]) === 0)) broken = true;
}

console.log('');
if (broken) console.log('a step failed before or outside the tests (see above)');
console.log(`${totals.passed} passed, ${totals.failed + (broken ? 1 : 0)} failed`);
process.exitCode = totals.failed > 0 || broken ? 1 : 0;
