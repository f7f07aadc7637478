/** Paths to the fixtures (copied from ../shared/fixtures) and small volume builders for tests. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Volume, VoxelArray } from '../../../src/core/io/volume';

/** Repo root, from dist-test/unit (bundled) or test/unit (source). */
export const repoRoot = resolve(__dirname, '../..');
export const fixturesDir = resolve(repoRoot, 'test/fixtures');

export interface LossFixtureCase {
  readonly name: string;
  readonly note?: string;
  readonly shape: number[];
  readonly kind: 'probability' | 'logits' | 'labels';
  readonly prediction: number[];
  readonly label: number[];
  readonly results: { label: number | 'foreground'; volume: Record<string, number>; slices: Record<string, number>[] }[];
  readonly multiclass?: { classes: number[]; volume: { lovaszSoftmax: number }; slices: { lovaszSoftmax: number }[] | number[] };
}

export function loadLossFixtures(): { tolerance: string; cases: LossFixtureCase[] } {
  return JSON.parse(readFileSync(resolve(fixturesDir, 'losses.json'), 'utf8'));
}

/** A NIfTI-like volume built in memory (spacing 1, identity affine). */
export function memoryVolume(source: string, dims: readonly number[], data: VoxelArray): Volume {
  return {
    source, format: 'nifti1', dims, spacing: [1, 1, 1],
    affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
    data, sourceDtype: data instanceof Float32Array ? 'float32' : data instanceof Uint8Array ? 'uint8' : 'float64',
    scaled: false,
  };
}

/** |a − b| within relative 1e-6, or absolute 1e-9 near zero: the spec's tolerance. */
export function closeToSpec(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= Math.max(1e-9, 1e-6 * Math.abs(expected));
}
