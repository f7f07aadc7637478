/** quantityNames: losses and metrics never share a name; units follow the pair's geometry; slices read from 1. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LOSS_IDS } from '../../src/core/kernels/lossIds';
import { LESION_METRIC_IDS, OVERLAP_METRIC_IDS, SURFACE_METRIC_IDS } from '../../src/core/kernels/metricIds';
import {
  lossName, lossShort, metricDisplayValue, metricName, metricShort, metricUnit, quantityGeometry, sliceIndexFromNumber,
  sliceLabel, sliceNumber, slicePosition, spacingKnownFor, unitNote, withUnit,
} from '../../src/core/quantityNames';

const METRIC_IDS = [...OVERLAP_METRIC_IDS, ...SURFACE_METRIC_IDS, ...LESION_METRIC_IDS];
const volume = quantityGeometry([64, 64, 40], [0.8, 0.8, 2.5], true);
const nifti2d = quantityGeometry([64, 64, 1], [0.5, 0.5, 3], true);
const png = quantityGeometry([128, 96, 1], [1, 1, 1], spacingKnownFor('case_pred.PNG'));

describe('quantity names', () => {
  test('the Dice and IoU losses are told apart from the Dice and IoU metrics', () => {
    assert.equal(lossName('dice'), 'Dice loss');
    assert.equal(metricName('dice'), 'Dice');
    assert.equal(lossShort('iou'), 'IoU loss');
    assert.equal(metricShort('iou'), 'IoU');
  });

  test('every loss name says "loss" and no loss name equals a metric name', () => {
    const metricNames = new Set(METRIC_IDS.flatMap((id) => [metricName(id), metricShort(id), metricName(id, png), metricShort(id, png)]));
    for (const id of [...LOSS_IDS, 'lovaszSoftmax' as const]) {
      assert.match(lossName(id), /loss/, id);
      assert.match(lossShort(id), /loss/, id);
      assert.ok(!metricNames.has(lossName(id)) && !metricNames.has(lossShort(id)), id);
    }
  });

  test('names are unique within losses and within metrics', () => {
    assert.equal(new Set(LOSS_IDS.map(lossShort)).size, LOSS_IDS.length);
    assert.equal(new Set(METRIC_IDS.map((id) => metricShort(id))).size, METRIC_IDS.length);
    assert.equal(new Set(METRIC_IDS.map((id) => metricName(id))).size, METRIC_IDS.length);
  });
});

describe('units', () => {
  test('3D: distances in mm, volumes in mL, ratios and counts unitless', () => {
    assert.equal(metricUnit('hausdorff', volume), 'mm');
    assert.equal(metricUnit('hd95', volume), 'mm');
    assert.equal(metricUnit('assd', volume), 'mm');
    assert.equal(metricUnit('labelVolumeMl', volume), 'mL');
    assert.equal(metricUnit('predictionVolumeMl', volume), 'mL');
    assert.equal(metricUnit('dice', volume), '');
    assert.equal(metricUnit('missedLesions', volume), '');
    assert.equal(withUnit(metricShort('hd95', volume), metricUnit('hd95', volume)), 'HD95 (mm)');
    assert.equal(metricName('labelVolumeMl', volume), 'Label volume');
  });

  test('2D NIfTI: areas in mm² from mL × 1000 / slice thickness', () => {
    assert.equal(metricUnit('labelVolumeMl', nifti2d), 'mm²');
    assert.equal(metricName('labelVolumeMl', nifti2d), 'Label area');
    // 40 pixels of 0.5 × 0.5 mm = 10 mm²; stored as 40 × 0.5 × 0.5 × 3 / 1000 mL = 0.03 mL.
    assert.ok(Math.abs(metricDisplayValue('labelVolumeMl', 0.03, nifti2d) - 10) < 1e-12);
    assert.equal(metricUnit('hausdorff', nifti2d), 'mm');
    assert.equal(unitNote(nifti2d), null);
  });

  test('PNG: spacing unknown, so px and px², and a note says so', () => {
    assert.equal(png.twoD, true);
    assert.equal(png.spacingKnown, false);
    assert.equal(metricUnit('hausdorff', png), 'px');
    assert.equal(metricUnit('predictionVolumeMl', png), 'px²');
    // 250 pixels at the assumed 1 × 1 × 1 mm: 0.25 mL stored, 250 px² shown.
    assert.equal(metricDisplayValue('predictionVolumeMl', 0.25, png), 250);
    assert.equal(metricDisplayValue('dice', 0.5, png), 0.5);
    assert.match(unitNote(png)!, /unknown/);
  });
});

describe('slice numbering', () => {
  test('people read slices from 1, indices stay 0-based', () => {
    assert.equal(sliceNumber(0), 1);
    assert.equal(sliceIndexFromNumber(6), 5);
    assert.equal(slicePosition(5, 10), '6 / 10');
    assert.equal(sliceLabel(9, 10), 'Slice 10 / 10');
  });
});
