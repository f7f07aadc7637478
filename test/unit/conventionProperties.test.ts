/**
 * The identities of shared/spec/conventions.md (sections 4–6) on random inputs, parameters the
 * fixtures do not cover, thread-count and axis independence, and the fused kernel's seed sums.
 * The section 9 examples are in conventionExamples.test.ts.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { comparePair, type CompareOptions } from '../../src/core/analysis/compare';
import { preparePair } from '../../src/core/analysis/inputs';
import type { CompareResult, PredictionKindOption } from '../../src/core/analysis/result';
import { CONVENTIONS } from '../../src/core/kernels/conventions/conventionIds';
import { conventionParamsFrom } from '../../src/core/kernels/conventions/conventionParams';
import { DEFAULT_LOSS_PARAMS } from '../../src/core/kernels/lossIds';
import { compareInParallel } from '../../src/worker/rangePool';
import { closeToSpec, memoryVolume, repoRoot } from './helpers/fixtures';

const workerFile = join(repoRoot, 'dist', 'rangeWorker.js');

function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 48271) % 2147483647) / 2147483647);
}

function options(kind: PredictionKindOption, params: Record<string, unknown> = {}): CompareOptions {
  return { kind, axis: 'k', params: DEFAULT_LOSS_PARAMS, metrics: 'none', conventions: { conventions: CONVENTIONS, params: conventionParamsFrom(params) } };
}

function compare(dims: number[], pred: ArrayLike<number>, label: ArrayLike<number>, kind: PredictionKindOption, params: Record<string, unknown> = {}): CompareResult {
  return comparePair(memoryVolume('pred', dims, Float64Array.from(pred)), memoryVolume('label', dims.slice(0, 3), Float64Array.from(label)), options(kind, params));
}

function close(actual: number | undefined, expected: number, what: string, tolerance = 1e-9): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

/** Random binary cases: probabilities (with exact 0/1 and empty slices) and logits. */
function randomCase(seed: number, kind: 'probability' | 'logits') {
  const rand = random(seed);
  const dims = [5, 4, 3];
  const n = 60;
  const label = Array.from({ length: n }, (_, i) => (i >= 40 ? 0 : rand() < 0.4 ? 1 : 0)); // slice 2: empty target
  const pred = Array.from({ length: n }, () => {
    const u = rand();
    if (kind === 'logits') return (u - 0.5) * 12;
    return u < 0.1 ? 0 : u > 0.9 ? 1 : u;
  });
  return { dims, pred, label };
}

function everyUnit(r: CompareResult, f: (losses: Record<string, number>, where: string) => void): void {
  for (const l of r.labels) {
    f(l.volume as Record<string, number>, `label ${l.label} volume`);
    l.slices.forEach((s) => f(s.losses as Record<string, number>, `label ${l.label} slice ${s.index}`));
  }
}

describe('identities of the spec', () => {
  for (const kind of ['probability', 'logits'] as const) {
    for (const seed of [3, 17, 99]) {
      const { dims, pred, label } = randomCase(seed, kind);
      test(`MONAI Tversky α = β = 0.5 is MONAI Dice with twice the smoothing (${kind}, seed ${seed})`, () => {
        for (const s of [1e-5, 0.5, 0]) {
          const t = compare(dims, pred, label, kind, { 'monai.tversky.smoothNr': s, 'monai.tversky.smoothDr': s });
          const d = compare(dims, pred, label, kind, { 'monai.dice.smoothNr': 2 * s, 'monai.dice.smoothDr': 2 * s });
          const dSame = compare(dims, pred, label, kind, { 'monai.dice.smoothNr': s, 'monai.dice.smoothDr': s });
          for (let li = 0; li < t.labels.length; li++) {
            close(t.labels[li]!.volume['monai.tversky'], d.labels[li]!.volume['monai.dice']!, `s ${s} volume`);
            t.labels[li]!.slices.forEach((row, k) => {
              const dice = d.labels[li]!.slices[k]!.losses['monai.dice']!;
              // A both-empty slice at s = 0 is 0/0 in both (NaN): equal as library values.
              if (Number.isNaN(dice)) assert.ok(Number.isNaN(row.losses['monai.tversky']));
              else close(row.losses['monai.tversky'], dice, `s ${s} slice ${k}`);
              if (s === 0 && !Number.isNaN(dice)) close(row.losses['monai.tversky'], dSame.labels[li]!.slices[k]!.losses['monai.dice']!, 'zero smoothing');
            });
          }
        }
      });
      test(`SMP Tversky α = β = 0.5 equals SMP Dice, with and without smoothing (${kind}, seed ${seed})`, () => {
        for (const s of [0, 1]) {
          const r = compare(dims, pred, label, kind, { 'smp.tversky.smooth': s, 'smp.dice.smooth': s });
          everyUnit(r, (l, where) => close(l['smp.tversky'], l['smp.dice']!, `${where} smooth ${s}`));
        }
      });
      test(`γ = 0 focal is BCE with logits (${kind}, seed ${seed})`, () => {
        const r = compare(dims, pred, label, kind, { 'monai.focal.gamma': 0, 'smp.focal.gamma': 0, 'monai.diceFocal.gamma': 0 });
        // Independent BCE with logits of the spec's mapping (11.2), slice by slice.
        const logit = (v: number) => {
          if (kind === 'logits') return v;
          const c = Math.min(Math.max(v, 1e-6), 1 - 1e-6);
          return Math.log(c) - Math.log(1 - c);
        };
        const bcel = (x: number, y: number) => (1 - y) * x + Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
        const perSlice = [0, 1, 2].map((k) => {
          let s = 0;
          for (let i = 0; i < 20; i++) s += bcel(logit(pred[k * 20 + i]!), label[k * 20 + i]!);
          return s / 20;
        });
        const volume = perSlice.reduce((a, b) => a + b, 0) / 3;
        const l = r.labels[0]!;
        // 1e-10, not tighter: a clamped p uses the spec's ±(ln(1 − δ) − ln δ), while this reference
        // rounds 1 − (1 − δ) to 1.0000000000287557e-6 first (3e-11 apart per clamped voxel).
        for (const id of ['monai.focal', 'smp.focal', 'smp.softBce'] as const) {
          close(l.volume[id], volume, `${id} volume`, 1e-10);
          l.slices.forEach((row, k) => close(row.losses[id], perSlice[k]!, `${id} slice ${k}`, 1e-10));
        }
        close(l.volume['monai.diceFocal']! - l.volume['monai.dice']!, volume, 'DiceFocal − Dice', 1e-10);
      });
      test(`nnU-Net DC_and_CE = MONAI DiceCE − 1 = DC_and_BCE in binary mode (${kind}, seed ${seed})`, () => {
        everyUnit(compare(dims, pred, label, kind), (l, where) => {
          close(l['nnunet.dcAndCe'], l['monai.diceCe']! - 1, where);
          close(l['nnunet.dcAndBce'], l['nnunet.dcAndCe']!, where);
        });
      });
      test(`SMP binary Lovasz is the seed's hinge, SMP binary focal is MONAI's (${kind}, seed ${seed})`, () => {
        everyUnit(compare(dims, pred, label, kind), (l, where) => {
          assert.equal(l['smp.lovasz'], l.lovaszHinge, where);
          close(l['smp.focal'], l['monai.focal']!, where);
        });
      });
    }
  }
});

describe('conventions across threads', () => {
  for (const [name, channels, kind] of [['4D soft', 3, 'probability'], ['label map', 3, 'labels'], ['probability', 1, 'probability']] as const) {
    test(`${name}: 1, 2 and 3 threads agree`, async () => {
      const rand = random(channels * 7 + name.length);
      const dims = [6, 5, 7];
      const n = 210;
      const label = Float64Array.from({ length: n }, () => Math.floor(rand() * 3));
      const pred = new Float64Array(n * (kind === 'labels' ? 1 : channels));
      for (let v = 0; v < n; v++) {
        if (kind === 'labels') pred[v] = rand() < 0.7 ? label[v]! : Math.floor(rand() * 3);
        else if (channels === 1) pred[v] = rand();
        else {
          const w = [0, 1, 2].map((c) => (c === label[v] ? 2 : 0) + rand());
          const t = w[0]! + w[1]! + w[2]!;
          w.forEach((x, c) => { pred[c * n + v] = x / t; });
        }
      }
      const pair = preparePair(memoryVolume('p', kind === 'labels' || channels === 1 ? dims : [...dims, channels], pred), memoryVolume('l', dims, label), kind);
      const opts = options(kind);
      const single = await compareInParallel(pair, opts, 1, workerFile);
      for (const jobs of [2, 3]) {
        const multi = await compareInParallel(pair, opts, jobs, workerFile);
        const a = JSON.parse(JSON.stringify(single)), b = JSON.parse(JSON.stringify(multi));
        const walk = (x: unknown, y: unknown, path: string): void => {
          if (typeof x === 'number') { assert.ok(typeof y === 'number' && closeToSpec(y, x), `${path}: ${y} vs ${x}`); return; }
          if (x && typeof x === 'object') for (const k of Object.keys(x)) walk((x as never)[k], (y as never)[k], `${path}.${k}`);
          else assert.deepEqual(y, x, path);
        };
        walk(a, b, `jobs ${jobs}`);
        assert.ok('monai.dice' in multi.labels[0]!.volume);
        if (channels > 1) assert.ok(multi.multiclass && 'smp.lovasz' in multi.multiclass.volume);
      }
    });
  }
});

describe('the fused kernel leaves the seed untouched', () => {
  for (const kind of ['probability', 'logits'] as const) {
    test(`${kind}: seed sums and Lovasz hinge are bit-identical with and without conventions`, async () => {
      const { computeRange } = await import('../../src/core/analysis/computeRange');
      const { DEFAULT_CONVENTION_PARAMS } = await import('../../src/core/kernels/conventions/conventionParams');
      const { dims, pred, label } = randomCase(5, kind);
      const pair = preparePair(memoryVolume('p', dims, Float64Array.from(pred)), memoryVolume('l', dims, Float64Array.from(label)), kind);
      const none = { level: 'none', threshold: 0.5, toleranceMm: 1, connectivity: 26 } as const;
      const seed = computeRange(pair, 'k', DEFAULT_LOSS_PARAMS, 0, 3, true, none, null);
      const all = computeRange(pair, 'k', DEFAULT_LOSS_PARAMS, 0, 3, true, none, { conventions: CONVENTIONS, params: DEFAULT_CONVENTION_PARAMS });
      assert.deepEqual([...all.labels[0]!.sums], [...seed.labels[0]!.sums]);
      assert.deepEqual([...all.labels[0]!.lovasz], [...seed.labels[0]!.lovasz]);
      assert.deepEqual([...all.labels[0]!.keysLo!], [...seed.labels[0]!.keysLo!]);
      assert.equal(seed.labels[0]!.conventionSums ?? null, null);
    });
  }
});

describe('volume values do not depend on the slice axis', () => {
  for (const [name, channels, kind] of [['4D soft', 3, 'probability'], ['label map', 3, 'labels'], ['logits', 1, 'logits']] as const) {
    test(`${name}: the volume values along i, j and k agree`, () => {
      const rand = random(11 + channels);
      const dims = [5, 4, 6];
      const n = 120;
      const label = Float64Array.from({ length: n }, () => Math.floor(rand() * 3));
      const pred = new Float64Array(n * (channels > 1 && kind !== 'labels' ? channels : 1));
      for (let v = 0; v < n; v++) {
        if (kind === 'labels') pred[v] = rand() < 0.6 ? label[v]! : Math.floor(rand() * 3);
        else if (kind === 'logits') pred[v] = (rand() - 0.5) * 10;
        else {
          const w = [0, 1, 2].map((c) => (c === label[v] ? 1.5 : 0) + rand());
          const t = w[0]! + w[1]! + w[2]!;
          w.forEach((x, c) => { pred[c * n + v] = x / t; });
        }
      }
      const predDims = kind === 'probability' ? [...dims, channels] : dims;
      const byAxis = (['i', 'j', 'k'] as const).map((axis) => comparePair(memoryVolume('p', predDims, pred), memoryVolume('l', dims, label),
        { ...options(kind, { 'smp.tversky.gamma': 0.75, 'smp.softBce.smoothFactor': 0.1 }), axis }));
      for (const r of byAxis.slice(0, 2)) {
        r.labels.forEach((l, li) => {
          for (const [id, v] of Object.entries(byAxis[2]!.labels[li]!.volume)) {
            assert.ok(closeToSpec((l.volume as Record<string, number>)[id]!, v), `${r.axis} label ${l.label} ${id}: ${(l.volume as Record<string, number>)[id]} vs ${v}`);
          }
        });
        if (r.multiclass) {
          for (const [id, v] of Object.entries(byAxis[2]!.multiclass!.volume)) {
            assert.ok(closeToSpec((r.multiclass.volume as Record<string, number>)[id]!, v), `${r.axis} multiclass ${id}`);
          }
        }
      }
    });
  }
});

describe('parameters not in the fixtures, by identity or independent computation', () => {
  const { dims, pred, label } = randomCase(23, 'logits');
  const base = compare(dims, pred, label, 'logits');
  const each = (r: CompareResult, f: (l: Record<string, number>, b: Record<string, number>, where: string) => void) => {
    f(r.labels[0]!.volume as Record<string, number>, base.labels[0]!.volume as Record<string, number>, 'volume');
    r.labels[0]!.slices.forEach((s, k) => f(s.losses as Record<string, number>, base.labels[0]!.slices[k]!.losses as Record<string, number>, `slice ${k}`));
  };
  test('compound weights: MONAI λ, nnU-Net weightCe/weightDice', () => {
    const r = compare(dims, pred, label, 'logits', {
      'monai.diceCe.lambdaDice': 2, 'monai.diceCe.lambdaCe': 0.5, 'monai.diceFocal.lambdaDice': 0, 'monai.diceFocal.lambdaFocal': 3,
      'nnunet.dcAndCe.weightCe': 2, 'nnunet.dcAndCe.weightDice': 3,
    });
    each(r, (l, b, where) => {
      const ce = b['monai.diceCe']! - b['monai.dice']!;
      close(l['monai.diceCe'], 2 * b['monai.dice']! + 0.5 * ce, where);
      close(l['monai.diceFocal'], 3 * (b['monai.diceFocal']! - b['monai.dice']!), where);
      close(l['nnunet.dcAndCe'], 2 * ce + 3 * b['nnunet.dice']!, where);
      close(l['nnunet.dcAndBce'], b['nnunet.dcAndBce']!, where);
    });
  });
  test('GDL with uniform weights is Dice; SMP log loss is −ln of the score', () => {
    const r = compare(dims, pred, label, 'logits', { 'monai.generalizedDice.wType': 'uniform', 'smp.dice.logLoss': true });
    each(r, (l, b, where) => {
      close(l['monai.generalizedDice'], b['monai.dice']!, where);
      // An absent target zeroes the class loss, log loss or not.
      close(l['smp.dice'], b['smp.dice'] === 0 ? 0 : -Math.log(1 - b['smp.dice']!), where);
    });
  });
  for (const kind of ['logits', 'probability'] as const) {
    test(`SoftBCE label smoothing: the mean of BCEL(x, (1 − y)·sf + y·(1 − sf)) (${kind})`, () => {
      const sf = 0.1;
      const c = randomCase(29, kind);
      const r = compare(c.dims, c.pred, c.label, kind, { 'smp.softBce.smoothFactor': sf });
      const bcel = (x: number, y: number) => (1 - y) * x + Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
      const logit = (v: number) => {
        if (kind === 'logits') return v;
        const q = Math.min(Math.max(v, 1e-6), 1 - 1e-6);
        return Math.log(q) - Math.log(1 - q);
      };
      let total = 0;
      r.labels[0]!.slices.forEach((s, k) => {
        let sum = 0;
        for (let i = 0; i < 20; i++) {
          const y = c.label[k * 20 + i]!;
          sum += bcel(logit(c.pred[k * 20 + i]!), (1 - y) * sf + y * (1 - sf));
        }
        total += sum;
        close(s.losses['smp.softBce'], sum / 20, `slice ${k}`, 1e-10);
      });
      close(r.labels[0]!.volume['smp.softBce'], total / 60, 'volume', 1e-10);
    });
  }
  test('DiceFocal\'s own γ and α equal Focal\'s with the same values', () => {
    const r = compare(dims, pred, label, 'logits', {
      'monai.diceFocal.gamma': 1.5, 'monai.diceFocal.alpha': 0.3, 'monai.focal.gamma': 1.5, 'monai.focal.alpha': 0.3, 'smp.focal.gamma': 0.5,
    });
    each(r, (l, b, where) => {
      close(l['monai.diceFocal']! - l['monai.dice']!, l['monai.focal']!, where);
      assert.notEqual(l['smp.focal'], b['smp.focal'], where);
    });
  });
});
