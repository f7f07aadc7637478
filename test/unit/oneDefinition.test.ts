/**
 * Issue #9, "the same knowledge in several places disagrees": a metric's direction and slice
 * ranking, loss formatting and the prediction-kind list have one definition each, and every
 * place that used its own copy agrees with it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatLoss } from '../../src/core/format';
import { METRIC_BETTER } from '../../src/core/ranking';
import { PREDICTION_KIND_OPTIONS } from '../../src/core/predictionKinds';
import { badness as reportBadness, METRIC_PREFIX } from '../../src/core/report/reportIndex';
import { parseWebviewMessage } from '../../src/editor/webviewMessages';
import { badness as editorBadness, METRIC_INFO } from '../../webview/metricInfo';
import { CLI_OPTIONS } from '../../src/cliOptions';

describe('one definition each', () => {
  test('detectedLesions: the same direction in the editor and in the Cases view (same worst slice)', () => {
    assert.equal(METRIC_BETTER.detectedLesions, 'none');
    assert.ok(editorBadness('detectedLesions', 3) > editorBadness('detectedLesions', 1));
    assert.ok(reportBadness(`${METRIC_PREFIX}detectedLesions`, 3) > reportBadness(`${METRIC_PREFIX}detectedLesions`, 1));
  });
  test('every metric ranks the same way in the editor and the report index', () => {
    for (const id of Object.keys(METRIC_INFO) as (keyof typeof METRIC_INFO)[]) {
      assert.equal(METRIC_INFO[id].better, METRIC_BETTER[id], id);
      for (const [a, b] of [[0.2, 0.7], [-0.3, 0.1], [5, 2]] as const) {
        assert.equal(Math.sign(editorBadness(id, a) - editorBadness(id, b)), Math.sign(reportBadness(METRIC_PREFIX + id, a) - reportBadness(METRIC_PREFIX + id, b)), `${id} ${a} ${b}`);
      }
    }
  });
  test('losses: one rule (the CLI table, the status bar and the editor all call formatLoss)', () => {
    for (const [v, text] of [[0, '0'], [0.123456, '0.1235'], [0.0001234, '1.23e-4'], [12345, '1.23e+4'], [1, '1.0000']] as const) {
      assert.equal(formatLoss(v), text);
    }
  });
  test('the prediction kinds: CLI, webview messages and the list agree', () => {
    assert.deepEqual(PREDICTION_KIND_OPTIONS, ['auto', 'probability', 'logits', 'labels']);
    assert.match(CLI_OPTIONS.kind.arg!, new RegExp(PREDICTION_KIND_OPTIONS.join('\\|')));
    for (const kind of PREDICTION_KIND_OPTIONS) assert.equal(typeof parseWebviewMessage({ type: 'setKind', kind }), 'object');
    assert.equal(typeof parseWebviewMessage({ type: 'setKind', kind: 'softmax' }), 'string');
  });
});
