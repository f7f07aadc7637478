/** The one CLI option table (util.parseArgs): both commands parse the same way from it. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CLI_OPTIONS, optionsUsage, parseCommandLine, UsageError } from '../../src/cliOptions';

describe('CLI option table', () => {
  test('--flag value and --flag=value are the same; last one wins; -- ends options', () => {
    const a = parseCommandLine('compare', ['--kind', 'logits', 'p.nii', '--jobs=3', 'l.nii']);
    assert.deepEqual(a.values, { kind: 'logits', jobs: 3 });
    assert.deepEqual(a.positionals, ['p.nii', 'l.nii']);
    assert.deepEqual(parseCommandLine('compare', ['--axis', 'i', '--axis=j']).values, { axis: 'j' });
    assert.deepEqual(parseCommandLine('compare', ['--', '--kind', '-x']).positionals, ['--kind', '-x']);
  });
  test('each command takes only its own options', () => {
    assert.throws(() => parseCommandLine('compare', ['--out', 'x']), (e: unknown) => e instanceof UsageError && /unknown option --out/.test(e.message));
    assert.throws(() => parseCommandLine('report', ['--format', 'json']), /unknown option --format/);
    assert.equal(parseCommandLine('report', ['--pairing', 'nnunet']).values.pairing, 'nnunet');
  });
  test('bad values name the option: negative numbers, missing values, out-of-range', () => {
    assert.throws(() => parseCommandLine('compare', ['--tolerance-mm', '-1']), /--tolerance-mm takes a distance/);
    assert.throws(() => parseCommandLine('compare', ['--threshold']), /--threshold takes a value/);
    assert.throws(() => parseCommandLine('compare', ['--jobs', '1.5']), /--jobs takes a positive whole number/);
    assert.throws(() => parseCommandLine('compare', ['--jobs', '1e400']), /--jobs takes a positive whole number/);
    assert.throws(() => parseCommandLine('compare', ['--help=1']), /--help takes no value/);
  });
  test('usage lists every option of the command, from the table', () => {
    for (const command of ['compare', 'report'] as const) {
      const text = optionsUsage(command);
      for (const [name, o] of Object.entries(CLI_OPTIONS)) {
        assert.equal(text.includes(`--${name}`), (o.commands as readonly string[]).includes(command), `${command} --${name}`);
      }
    }
  });
});
