/**
 * Issue #9: CSV formula injection neutralised in the one CSV writer (OWASP), and error lines are
 * one line with control characters escaped (an OSC sequence in a case name never reaches the terminal).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EMPTY_TRIAGE, setTriageMark, triageCsv } from '../../src/core/analysis/triage';
import { csvField } from '../../src/core/csv';
import { escapeControl, escapeHtml } from '../../src/core/escape';
import { repoRoot } from './helpers/fixtures';
import { makeReportTree, parseCsv } from './helpers/reportTree';

const cli = join(repoRoot, 'dist', 'cli.js');

describe('CSV injection', () => {
  test('text starting with = + - @ tab or CR is prefixed with \' and quoted; numbers stay numbers', () => {
    assert.equal(csvField('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
    for (const start of ['+', '-', '@', '\t', '\r']) assert.equal(csvField(`${start}1`).startsWith(`"'${start}`), true, JSON.stringify(start));
    assert.equal(csvField(-0.5), '-0.5');
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField(NaN), '');
  });
  test('triage export: notes and paths are neutralised', () => {
    const data = setTriageMark(EMPTY_TRIAGE, { prediction: '@pred.nii', label: 'l.nii' }, { axis: 'k', slice: 1, note: '=1+1' });
    const row = triageCsv(data).split('\n')[1]!;
    assert.equal(row, `"'@pred.nii",l.nii,k,1,false,false,"'=1+1"`);
  });
  test('cases.csv and slices.csv: a case named =SUM(1) is text', () => {
    const tree = makeReportTree([{ name: 'a', kind: 'probability', seed: 1 }]);
    for (const dir of [tree.predictions, tree.labels]) renameSync(join(dir, 'a.nii.gz'), join(dir, '=SUM(1).nii.gz'));
    const out = join(tree.root, 'out');
    const r = spawnSync(process.execPath, [cli, 'report', tree.predictions, tree.labels, '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    for (const name of ['cases.csv', 'slices.csv']) {
      const text = readFileSync(join(out, name), 'utf8');
      assert.doesNotMatch(text, /(^|,)=SUM/m, `${name} has a raw formula`);
      assert.equal(parseCsv(text)[1]![0], `'=SUM(1)`);
    }
  });
});

describe('one-line errors', () => {
  test('escapeControl makes newlines, ESC and BEL visible', () => {
    assert.equal(escapeControl('a\nb\x1b]0;x\x07c\u009b'), 'a\\nb\\x1b]0;x\\x07c\\x9b');
    assert.equal(escapeHtml(`<a href='x'>&"`), '&lt;a href=&#39;x&#39;&gt;&amp;&quot;');
  });
  test('an OSC sequence and a newline in a file name stay on one escaped error line', () => {
    const tree = makeReportTree([{ name: 'a', kind: 'probability', seed: 1 }]);
    const evil = join(tree.root, 'evil\x1b]0;pwned\x07\nline.nii');
    writeFileSync(evil, 'not an image');
    const r = spawnSync(process.execPath, [cli, 'compare', evil, join(tree.labels, 'a.nii.gz')], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.doesNotMatch(r.stderr, /\x1b|\x07/);
    assert.equal(r.stderr.split('\n').length, 2, r.stderr);
    assert.match(r.stderr, /evil\\x1b\]0;pwned\\x07\\nline\.nii: /);
  });
  test('report progress lines escape case names', () => {
    const tree = makeReportTree([{ name: 'a', kind: 'truncated', seed: 1 }]);
    const weird = 'b\x1b[31m';
    for (const dir of [tree.predictions, tree.labels]) renameSync(join(dir, 'a.nii.gz'), join(dir, `${weird}.nii.gz`));
    const r = spawnSync(process.execPath, [cli, 'report', tree.predictions, tree.labels, '--out', join(tree.root, 'out')], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.doesNotMatch(r.stderr + r.stdout, /\x1b/);
    assert.match(r.stderr, /b\\x1b\[31m FAILED/);
  });
});
