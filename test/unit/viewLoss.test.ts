/**
 * Issue 11: the chart/ranking loss of the compare editor may be a library loss (monai.*, smp.*,
 * nnunet.*). The host accepts exactly the seed's and the libraries' ids in a view state from the
 * webview; a remembered library loss whose convention is no longer computed shows the default loss.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PairInfo, ViewState } from '../../src/core/protocol';
import { parseWebviewMessage, viewWithComputedLoss } from '../../src/editor/webviewMessages';
import { normaliseViewState } from '../../webview/state';

const VIEW = { axis: 'k', index: 2, zoom: 1, panX: 0, panY: 0, label: 1 } as const;
const stateChanged = (loss: unknown) => parseWebviewMessage({ type: 'stateChanged', state: { ...VIEW, loss }, currentLoss: 0.5 });

describe('view state loss from the webview (host validation)', () => {
  test('every seed loss and every library loss id is accepted', () => {
    // The table of ids, written out here (not taken from the code under test).
    const ids = [
      'dice', 'bceDice', 'iou', 'focal', 'focalPixel', 'tversky', 'focalTversky', 'lovaszHinge', 'combo',
      'monai.dice', 'monai.jaccard', 'monai.generalizedDice', 'monai.tversky', 'monai.focal', 'monai.diceCe', 'monai.diceFocal',
      'smp.dice', 'smp.jaccard', 'smp.tversky', 'smp.focal', 'smp.lovasz', 'smp.softBce',
      'nnunet.dice', 'nnunet.dcAndCe', 'nnunet.dcAndBce',
    ];
    for (const id of ids) {
      const parsed = stateChanged(id);
      assert.equal(typeof parsed, 'object', `${id}: ${String(parsed)}`);
      assert.equal((parsed as { state: ViewState }).state.loss, id);
    }
  });

  test('unknown ids are rejected with a message', () => {
    for (const id of ['monai.bogus', 'seed.dice', 'monai', 'MONAI.dice', 'lovaszSoftmax', 'metric:dice', '', null, 3, undefined, { id: 'monai.dice' }]) {
      const parsed = stateChanged(id);
      assert.equal(typeof parsed, 'string', `${JSON.stringify(id)} accepted`);
      assert.match(parsed as string, /^stateChanged: needs a complete view state$/);
    }
  });
});

describe('a restored library loss', () => {
  const view: ViewState = { ...VIEW, loss: 'smp.dice' };
  test('stays while its convention is computed', () => {
    assert.equal(viewWithComputedLoss(view, ['seed', 'smp'], 'bceDice'), view);
    assert.equal(viewWithComputedLoss({ ...view, loss: 'combo' }, ['seed'], 'bceDice').loss, 'combo', 'a seed loss is always computed');
  });
  test('falls back to the default loss when its convention is no longer computed', () => {
    const restored = viewWithComputedLoss(view, ['seed', 'monai', 'nnunet'], 'bceDice');
    assert.deepEqual(restored, { ...VIEW, loss: 'bceDice' });
  });
  test('the webview keeps a known library id from its saved state and drops an unknown one', () => {
    const pair = { shape: [8, 6, 5], labels: [1] } as unknown as PairInfo;
    assert.equal(normaliseViewState({ ...VIEW, loss: 'nnunet.dcAndCe' }, pair).loss, 'nnunet.dcAndCe');
    assert.equal(normaliseViewState({ ...VIEW, loss: 'nnunet.bogus' }, pair).loss, 'dice');
  });
});
