/**
 * Issue 11's "Conventions" strip in the webview: shown only when the losses carry library ids,
 * the same named loss under seed / MONAI / SMP / nnU-Net for the current slice and the volume,
 * nnU-Net normalised to 0 = perfect with the raw value in the tooltip, ⚠ where the conventions
 * disagree in kind (spec 9.1: an empty slice with predicted mass), † on substituted values.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InitMessage, LossesMessage, WebviewMessage } from '../../src/core/protocol';
import { Harness, SKIP_BROWSER, type EditorPage } from './browserHarness';
import { init, KNOWN_SLICE, knownVolume, lossesFor, SHAPE, WORST_FIRST_K } from './e2eFixtures';
import { call, choose, eventually } from './pageHelpers';

const skip = SKIP_BROWSER ? 'MASK_INSPECTOR_SKIP_BROWSER=1' : false;
const AXES = [['k', SHAPE[2]], ['j', SHAPE[1]], ['i', SHAPE[0]]] as const;

/** Spec 9.1's numbers (p = [.2, .1, 0, 0], empty label) for the volume; an agreeing slice elsewhere. */
const EMPTY_SLICE = { 'monai.dice': 0.9999666678, 'smp.dice': 0, 'nnunet.dice': -3.333222226e-5, 'monai.focal': 0.2, 'smp.focal': 0.2 };
const AGREEING = { 'monai.dice': 0.3, 'smp.dice': 0.3, 'nnunet.dice': -0.7, 'monai.focal': 0.2, 'smp.focal': 0.2 };

function withConventions(message: LossesMessage, substituted: string[]): LossesMessage {
  return {
    ...message,
    labels: message.labels.map((l) => ({
      ...l,
      volume: { ...l.volume, ...EMPTY_SLICE },
      substituted: substituted as never,
      slices: l.slices.map((s) => ({ ...s, losses: { ...s.losses, ...(s.index === KNOWN_SLICE ? EMPTY_SLICE : AGREEING) } })),
    })),
  };
}

describe('compare editor webview: conventions strip', { skip }, () => {
  let harness: Harness;
  before(async () => { harness = await Harness.start(); });
  after(async () => { await harness?.close(); });

  async function open(conventions: boolean, substituted: string[] = []): Promise<EditorPage> {
    const editor = await harness.open();
    editor.host.volume = knownVolume();
    for (const [axis, count] of AXES) {
      const plain = lossesFor(axis, count);
      editor.host.losses.set(axis, conventions ? withConventions(plain, substituted) : plain);
    }
    await editor.host.post(init());
    await eventually(async () => assert.equal(await call(editor.page, 'currentRow'), KNOWN_SLICE));
    return editor;
  }

  const strip = (editor: EditorPage) => editor.page.evaluate(`(() => {
    const root = document.querySelector('.mi-conventions');
    if (!root || root.hidden) return null;
    const rows = Array.from(root.querySelectorAll('tr[data-loss]')).map((tr) => ({
      loss: tr.getAttribute('data-loss'),
      cells: Array.from(tr.querySelectorAll('td[data-id]')).map((td) => ({ id: td.getAttribute('data-id'), text: td.textContent, title: td.getAttribute('title') })),
      flag: tr.querySelector('.mi-disagree')?.getAttribute('title') ?? null,
    }));
    return { head: root.querySelector('tr')?.textContent ?? '', rows, text: root.textContent };
  })()`) as Promise<null | { head: string; rows: { loss: string; cells: { id: string; text: string; title: string }[]; flag: string | null }[]; text: string }>;

  test('without library conventions the strip is hidden', async () => {
    const editor = await open(false);
    assert.equal(await strip(editor), null);
  });

  test('slice and volume side by side, normalised, with the raw value in the tooltip and a disagreement flag', async () => {
    const editor = await open(true);
    let s: Awaited<ReturnType<typeof strip>> = null;
    await eventually(async () => { s = await strip(editor); assert.ok(s); });
    assert.match(s!.head, /seed.*MONAI.*SMP.*nnU-Net/);
    const dice = s!.rows.find((r) => r.loss === 'dice')!;
    assert.deepEqual(dice.cells.map((c) => c.id), ['dice', 'dice', 'monai.dice', 'monai.dice', 'smp.dice', 'smp.dice', 'nnunet.dice', 'nnunet.dice']);
    const nn = dice.cells.find((c) => c.id === 'nnunet.dice')!;
    assert.match(nn.title, /nnunet\.dice = -0\.00003333222226 \(raw; shown \+ 1 so that 0 is perfect\)/);
    assert.equal(nn.text, '1.0000');
    assert.match(dice.flag ?? '', /slice 3: Dice: smp 0\.000 \(≈ perfect\) vs monai 1\.000 \(≈ worst\)/);
    assert.match(dice.flag ?? '', /volume: Dice/);
    // Another slice: the conventions agree there; the volume still disagrees.
    await editor.page.keyboard.press('ArrowRight');
    await eventually(async () => {
      const after = await strip(editor);
      const flag = after!.rows.find((r) => r.loss === 'dice')!.flag ?? '';
      assert.ok(!/slice \d: Dice/.test(flag) && /volume: Dice/.test(flag), flag);
    });
  });

  test('the table gains a sortable column per library id and a Disagree column', async () => {
    const editor = await open(true);
    const cell = (index: number, key: string) => editor.page.evaluate(`(() => {
      const keys = Array.from(document.querySelectorAll('.mi-table thead tr:not(.mi-groups) th')).map((th) => th.getAttribute('data-key'));
      const at = keys.indexOf(${JSON.stringify(key)});
      if (at < 0) return null;
      const td = document.querySelectorAll('#mi-row-${index} td')[at];
      return td ? { text: td.textContent ?? '', title: td.getAttribute('title') } : null;
    })()`) as Promise<{ text: string; title: string | null } | null>;
    await eventually(async () => assert.equal((await cell(KNOWN_SLICE, 'monai.dice'))?.text, '1.0000'));
    assert.match(await editor.page.evaluate(`document.querySelector('.mi-group-conventions')?.textContent ?? ''`) as string, /Conventions/);
    const flagged = await cell(KNOWN_SLICE, 'conventions:disagree');
    assert.match(flagged!.text, /^⚠ \d$/);
    assert.match(flagged!.title ?? '', /Dice: smp 0\.000 \(≈ perfect\) vs monai 1\.000 \(≈ worst\)/);
    const other = await cell(0, 'conventions:disagree');
    assert.doesNotMatch(other!.title ?? '', /Dice:/);
  });

  test('the strip\'s selector chooses which computed conventions to compare', async () => {
    const editor = await open(true);
    await eventually(async () => assert.ok(await strip(editor)));
    await editor.page.click('.mi-conventions input[data-convention="smp"]');
    await eventually(async () => {
      const s = await strip(editor);
      assert.doesNotMatch(s!.head, /SMP/);
      const dice = s!.rows.find((r) => r.loss === 'dice')!;
      assert.ok(!dice.cells.some((c) => c.id === 'smp.dice'));
      // Without SMP's "empty = perfect" the remaining conventions agree in kind on Dice.
      assert.equal(dice.flag, null);
    });
    await editor.page.click('.mi-conventions input[data-convention="smp"]');
    await eventually(async () => assert.match((await strip(editor))!.head, /SMP/));
  });

  test('substituted values are marked †', async () => {
    const editor = await open(true, ['monai.focal', 'smp.focal']);
    let s: Awaited<ReturnType<typeof strip>> = null;
    await eventually(async () => { s = await strip(editor); assert.ok(s); });
    const focal = s!.rows.find((r) => r.loss === 'focal')!;
    const monai = focal.cells.find((c) => c.id === 'monai.focal')!;
    assert.match(monai.text, /†$/);
    assert.match(monai.title, /substituted/);
    assert.match(s!.text, /† substituted: a label map has no logits/);
    assert.ok(!/†/.test(s!.rows.find((r) => r.loss === 'dice')!.cells.map((c) => c.text).join('')));
  });
});

/**
 * `N`/`P` by a library loss: monai.dice per slice along k (slice 0 is empty) in an order unlike
 * the seed's Dice loss, monai.focal substituted. The expected order is computed here from the
 * posted values (empty slices last, then the larger loss first, ties by index), not by the webview's code.
 */
const MONAI_DICE_K = [0.05, 0.2, 0.8, 0.1, 0.5];
const MONAI_FOCAL_K = [0.01, 0.3, 0.02, 0.6, 0.4];

function withMonai(message: LossesMessage): LossesMessage {
  const at = (values: readonly number[], i: number) => (message.axis === 'k' ? values[i]! : ((i * 7) % 10) / 10);
  return {
    ...message,
    labels: message.labels.map((l) => ({
      ...l,
      volume: { ...l.volume, 'monai.dice': 0.4, 'monai.focal': 0.2 },
      substituted: ['monai.focal'],
      slices: l.slices.map((s) => ({ ...s, losses: { ...s.losses, 'monai.dice': at(MONAI_DICE_K, s.index), 'monai.focal': at(MONAI_FOCAL_K, s.index) } })),
    })),
  };
}

function worstFirst(message: LossesMessage, id: 'monai.dice' | 'monai.focal'): number[] {
  const rows = message.labels[0]!.slices.map((s) => ({ index: s.index, empty: s.empty, value: s.losses[id]! }));
  rows.sort((a, b) => (a.empty !== b.empty ? (a.empty ? 1 : -1) : b.value !== a.value ? b.value - a.value : a.index - b.index));
  return rows.map((r) => r.index);
}

type StateChanged = Extract<WebviewMessage, { type: 'stateChanged' }>;

describe('compare editor webview: ranking by a library loss', { skip }, () => {
  let harness: Harness;
  before(async () => { harness = await Harness.start(); });
  after(async () => { await harness?.close(); });

  async function open(library: boolean, state?: InitMessage['state']): Promise<EditorPage> {
    const editor = await harness.open();
    editor.host.volume = knownVolume();
    for (const [axis, count] of AXES) editor.host.losses.set(axis, library ? withMonai(lossesFor(axis, count)) : lossesFor(axis, count));
    await editor.host.post(init(state === undefined ? {} : { state }));
    await eventually(async () => assert.equal(await call(editor.page, 'currentRow'), KNOWN_SLICE));
    return editor;
  }

  async function stateAfter(editor: EditorPage, act: () => Promise<unknown>): Promise<StateChanged> {
    editor.host.clear();
    await act();
    return await editor.host.waitFor((m) => m.type === 'stateChanged', 'stateChanged') as StateChanged;
  }

  test('the chart selector lists the computed library losses by convention; W/N/P and the palette commands rank by monai.dice', async () => {
    const editor = await open(true);
    const { page, host } = editor;
    const options = async () => await page.evaluate(`Array.from(document.querySelectorAll('#mi-loss vscode-option'))
      .map((o) => [o.getAttribute('value'), o.textContent, o.hasAttribute('disabled')])`) as [string, string, boolean][];
    await eventually(async () => assert.ok((await options()).some(([v]) => v === 'monai.dice')));
    const all = await options();
    const values = all.map(([v]) => v);
    const heading = values.indexOf('group:monai');
    assert.ok(heading > values.indexOf('combo') && all[heading]![2], 'a MONAI heading after the seed losses');
    assert.equal(all[heading]![1], '— MONAI losses —');
    assert.deepEqual(all.slice(heading + 1, heading + 3).map(([v, t]) => [v, t]), [['monai.dice', 'MONAI DiceLoss'], ['monai.focal', 'MONAI FocalLoss †']]);
    assert.ok(!values.includes('smp.dice') && !values.includes('group:smp'), 'only the computed conventions');

    const chosen = await stateAfter(editor, () => choose(page, 'mi-loss', 'monai.dice'));
    assert.equal(chosen.state.loss, 'monai.dice');
    assert.equal(chosen.currentLoss, MONAI_DICE_K[KNOWN_SLICE], 'the status bar\'s value: monai.dice of the current slice');
    const canvas = page.locator('.mi-chart-canvas');
    await eventually(async () => assert.equal(await canvas.getAttribute('data-series'), 'MONAI DiceLoss'));

    const expected = worstFirst(host.losses.get('k')!, 'monai.dice');
    assert.deepEqual(expected, [2, 4, 1, 3, 0]);
    const indexAfter = async (key: string): Promise<number> => (await stateAfter(editor, () => page.keyboard.press(key))).state.index;
    assert.equal(await indexAfter('ArrowRight'), 3);
    assert.equal(await indexAfter('w'), expected[0]);
    assert.equal(await indexAfter('n'), expected[1]);
    assert.equal(await indexAfter('n'), expected[2]);
    assert.equal(await indexAfter('n'), expected[3]);
    assert.equal(await indexAfter('p'), expected[2]);
    const byCommand = async (command: 'worst' | 'nextWorst' | 'previousWorst'): Promise<StateChanged> =>
      await stateAfter(editor, () => host.post({ type: 'command', command }));
    assert.equal((await byCommand('worst')).state.index, expected[0]);
    const next = await byCommand('nextWorst');
    assert.equal(next.state.index, expected[1]);
    assert.equal(next.currentLoss, MONAI_DICE_K[expected[1]!]);
    assert.equal((await byCommand('previousWorst')).state.index, expected[0]);

    // A substituted loss is marked where the chart names it, and ranks by its own values.
    await stateAfter(editor, () => choose(page, 'mi-loss', 'monai.focal'));
    await eventually(async () => assert.equal(await canvas.getAttribute('data-series'), 'MONAI FocalLoss †'));
    const focal = worstFirst(host.losses.get('k')!, 'monai.focal');
    assert.equal(await indexAfter('w'), focal[0]);
    assert.equal(await indexAfter('n'), focal[1]);
  });

  test('a restored library loss that is no longer computed falls back to the default loss', async () => {
    const editor = await open(false, { axis: 'k', index: KNOWN_SLICE, zoom: 1, panX: 0, panY: 0, loss: 'monai.dice', label: 1 });
    await eventually(async () => assert.equal(editor.host.last('stateChanged')?.state.loss, 'dice'));
    assert.equal(await editor.page.locator('.mi-chart-canvas').getAttribute('data-series'), 'Dice loss');
    const worst = await stateAfter(editor, () => editor.page.keyboard.press('w'));
    assert.equal(worst.state.index, WORST_FIRST_K[0], 'W ranks by the Dice loss again');
  });
});
