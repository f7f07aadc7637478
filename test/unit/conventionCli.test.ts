/**
 * `compare --conventions/--param` end to end (dist/cli.js in a child process): the JSON layout
 * of issue 11 (ids beside the seed's, `multiclass`, `substituted`, `conventions`), CSV and table
 * columns, parameters reaching only their id, and clear usage errors.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { comparePair } from '../../src/core/analysis/compare';
import { readVolumeFile } from '../../src/core/io/readVolume';
import {
  CONVENTION_LOSS_IDS, CONVENTIONS, LOGIT_BASED_IDS, MULTICLASS_CONVENTION_IDS,
} from '../../src/core/kernels/conventions/conventionIds';
import { DEFAULT_CONVENTION_PARAMS } from '../../src/core/kernels/conventions/conventionParams';
import { DEFAULT_LOSS_PARAMS, LOSS_IDS } from '../../src/core/kernels/lossIds';
import { fixturesDir, repoRoot } from './helpers/fixtures';

const cli = join(repoRoot, 'dist', 'cli.js');
const files = join(fixturesDir, 'files');
const label = join(files, 'labels_u8.nii.gz');
const hardPrediction = join(files, 'labels_i16_be.nii');
const prob = join(files, 'prob_f32.nii.gz');
const softmax4d = join(files, 'softmax_4d_f32.nii.gz');

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
function json(...args: string[]) {
  const r = run('compare', ...args, '--format', 'json', '--metrics', 'none');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

describe('compare --conventions: JSON', () => {
  test('all: library ids beside the seed\'s per label and slice, multi-class values, conventions recorded', () => {
    const out = json(softmax4d, label, '--conventions', 'all');
    assert.deepEqual(out.conventions.list, [...CONVENTIONS]);
    assert.equal(out.conventions.parameters['smp.version'], '0.5.0');
    assert.equal(Object.keys(out.conventions.parameters).length, Object.keys(DEFAULT_CONVENTION_PARAMS).length);
    for (const l of out.labels) {
      assert.deepEqual(Object.keys(l.volume), [...LOSS_IDS, ...CONVENTION_LOSS_IDS]);
      assert.deepEqual(l.substituted, []);
      for (const s of l.slices) assert.deepEqual(Object.keys(s.losses), [...LOSS_IDS, ...CONVENTION_LOSS_IDS]);
    }
    assert.deepEqual(Object.keys(out.multiclass.volume), ['lovaszSoftmax', ...MULTICLASS_CONVENTION_IDS]);
    assert.deepEqual(out.multiclass.substituted, []);
    assert.deepEqual(Object.keys(out.multiclass.slices[0].losses), ['lovaszSoftmax', ...MULTICLASS_CONVENTION_IDS]);
    // The CLI's numbers are the engine's (whose values the fixtures check).
    const engine = comparePair(readVolumeFile(softmax4d), readVolumeFile(label), {
      kind: 'auto', axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics: 'none',
      conventions: { conventions: CONVENTIONS, params: DEFAULT_CONVENTION_PARAMS },
    });
    assert.deepEqual(out.labels, JSON.parse(JSON.stringify(engine.labels)));
    assert.deepEqual(out.multiclass, JSON.parse(JSON.stringify(engine.multiclass)));
  });
  test('a label-map prediction marks the logit-based ids substituted, per label and multi-class', () => {
    const out = json(hardPrediction, label, '--conventions', 'all');
    for (const l of out.labels) assert.deepEqual(l.substituted, CONVENTION_LOSS_IDS.filter((id) => LOGIT_BASED_IDS.has(id)));
    assert.deepEqual(out.multiclass.substituted, MULTICLASS_CONVENTION_IDS.filter((id) => LOGIT_BASED_IDS.has(id)));
  });
  test('one convention: only its ids are added; the seed\'s stay in JSON', () => {
    const out = json(prob, label, '--conventions', 'nnunet');
    assert.deepEqual(Object.keys(out.labels[0].volume), [...LOSS_IDS, 'nnunet.dice', 'nnunet.dcAndCe', 'nnunet.dcAndBce']);
    assert.deepEqual(Object.keys(out.conventions.parameters).every((k) => k.startsWith('nnunet.')), true);
  });
  test('default (seed): the JSON is exactly as without conventions', () => {
    const out = json(prob, label);
    assert.equal(out.conventions, undefined);
    assert.deepEqual(Object.keys(out.labels[0].volume), [...LOSS_IDS]);
  });
  test('--param changes its id only; smp.version reaches every smp id', () => {
    const base = json(prob, label, '--conventions', 'all').labels[0].volume;
    const changed = json(prob, label, '--conventions', 'all', '--param', 'monai.dice.smoothNr=1', '--param', 'monai.dice.smoothDr=1',
      '--param', 'smp.version=0.3.4', '--param=smp.dice.smooth=1').labels[0].volume;
    assert.notEqual(changed['monai.dice'], base['monai.dice']);
    assert.equal(changed['monai.diceCe'], base['monai.diceCe']);
    assert.equal(changed['monai.jaccard'], base['monai.jaccard']);
    assert.notEqual(changed['smp.dice'], base['smp.dice']);
    assert.equal(changed['smp.jaccard'], base['smp.jaccard']);
    for (const id of LOSS_IDS) assert.equal(changed[id], base[id]);
  });
});

describe('compare --conventions: CSV and table', () => {
  test('CSV: a column per id, multiclass.<id> columns, substituted; no seed columns without seed', () => {
    const r = run('compare', hardPrediction, label, '--conventions', 'smp', '--format', 'csv', '--metrics', 'none');
    assert.equal(r.code, 0, r.stderr);
    const [header, first] = r.stdout.split('\n');
    const cols = header!.split(',');
    for (const id of ['smp.dice', 'smp.softBce', 'multiclass.smp.lovasz', 'substituted']) assert.ok(cols.includes(id), id);
    assert.ok(!cols.includes('bceDice') && !cols.includes('multiclass.smp.softBce'));
    const cells = first!.split(',');
    assert.equal(cells[cols.indexOf('substituted')], 'smp.focal;smp.lovasz;smp.softBce');
  });
  test('table: a library block per label with † on substituted ids', () => {
    const r = run('compare', hardPrediction, label, '--conventions', 'seed,monai', '--metrics', 'none');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /label 1: library losses \(monai\)/);
    assert.match(r.stdout, /M\.focal†/);
    assert.match(r.stdout, /BCE\+Dice/);
    assert.match(r.stdout, /multi-class library losses over classes 0, 1, 2/);
  });
});

describe('compare --conventions/--param: usage errors (exit 2, one clear line)', () => {
  const cases: [string[], RegExp][] = [
    [['--conventions', 'keras'], /unknown convention "keras": choose from seed, monai, smp, nnunet, all/],
    [['--param', 'monai.dice.smooth=1'], /unknown loss parameter "monai.dice.smooth"; monai.dice takes monai.dice.smoothNr/],
    [['--param', 'smp.version=0.6'], /smp.version takes one of 0.3.4, 0.4.0, 0.5.0, head \(got "0.6"\)/],
    [['--param', 'monai.focal.alpha=1.5'], /monai.focal.alpha takes none or a number in \[0, 1\]/],
    [['--param', 'nnunet.dice.smooth'], /--param takes KEY=VALUE/],
    [['--param', 'smp.dice.logLoss=yes'], /smp.dice.logLoss takes true or false/],
  ];
  for (const [args, message] of cases) {
    test(args.join(' '), () => {
      const r = run('compare', prob, label, ...args);
      assert.equal(r.code, 2);
      assert.match(r.stderr.split('\n')[0]!, message);
    });
  }
});

describe('report --conventions/--param', () => {
  test('report.json records the conventions and every parameter used; cases carry the library ids', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const out = join(mkdtempSync(join(tmpdir(), 'mask-inspector-conv-report-')), 'report');
    const sample = join(repoRoot, 'sample');
    const r = run('report', join(sample, 'predictions'), join(sample, 'labelsTr'), '--out', out, '--jobs', '1', '--metrics', 'none',
      '--conventions', 'monai,smp', '--param', 'smp.version=head');
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    assert.deepEqual(report.settings.conventions.list, ['monai', 'smp']);
    assert.equal(report.settings.conventions.parameters['smp.version'], 'head');
    assert.equal(report.settings.conventions.parameters['monai.dice.smoothNr'], 1e-5);
    assert.equal(report.settings.conventions.parameters['nnunet.dice.smooth'], undefined);
    const volume = report.cases[0].result.labels[0].volume;
    assert.ok(typeof volume['monai.dice'] === 'number' && typeof volume['smp.lovasz'] === 'number');
    assert.equal(volume['nnunet.dice'], undefined);
    for (const file of ['slices.csv', 'cases.csv']) {
      const [header, first] = readFileSync(join(out, file), 'utf8').split('\n');
      const cols = header!.split(',');
      assert.ok(cols.includes('monai.dice') && cols.includes('smp.softBce') && !cols.includes('nnunet.dice'), `${file}: ${header}`);
      assert.ok(Number.isFinite(Number(first!.split(',')[cols.indexOf('monai.dice')])), `${file} row: ${first}`);
    }
    const casesCsv = readFileSync(join(out, 'cases.csv'), 'utf8').split('\n');
    assert.equal(Number(casesCsv[1]!.split(',')[casesCsv[0]!.split(',').indexOf('smp.lovasz')]), volume['smp.lovasz']);
  });
  test('a bad parameter is a usage error', () => {
    const sample = join(repoRoot, 'sample');
    const r = run('report', join(sample, 'predictions'), join(sample, 'labelsTr'), '--param', 'smp.focal.gamma=-1');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /smp.focal.gamma takes a number ≥ 0 \(got "-1"\)/);
  });
});

describe('maskInspector.losses.* settings', () => {
  test('valid values apply; bad entries are skipped with a message naming the setting and the key', async () => {
    const { conventionSettingsFromConfig } = await import('../../src/core/analysis/conventionRange');
    const ok = conventionSettingsFromConfig(['monai', 'smp'], { 'smp.version': '0.3.4', 'monai.dice.smoothNr': 0 });
    assert.deepEqual(ok.problems, []);
    assert.deepEqual(ok.settings.conventions, ['monai', 'smp']);
    assert.equal(ok.settings.params['smp.version'], '0.3.4');
    assert.equal(ok.settings.params['monai.dice.smoothNr'], 0);
    const bad = conventionSettingsFromConfig('all', { 'monai.dice.smooth': 1, 'smp.focal.alpha': 'none', 'nnunet.dice.smooth': -1 });
    assert.deepEqual(bad.settings.conventions, [...CONVENTIONS]);
    assert.equal(bad.settings.params['smp.focal.alpha'], null);
    assert.equal(bad.problems.length, 2);
    assert.match(bad.problems[0]!, /maskInspector.losses.parameters: unknown loss parameter "monai.dice.smooth"/);
    assert.match(bad.problems[1]!, /nnunet.dice.smooth takes a number ≥ 0/);
    const list = conventionSettingsFromConfig(['keras'], 7);
    assert.deepEqual(list.settings.conventions, ['seed']);
    assert.equal(list.problems.length, 2);
  });
});
