/**
 * Issue 11's "Conventions" strip in the webview: shown only when the losses carry library ids,
 * the same named loss under seed / MONAI / SMP / nnU-Net for the current slice and the volume,
 * nnU-Net normalised to 0 = perfect with the raw value in the tooltip, ⚠ where the conventions
 * disagree in kind (spec 9.1: an empty slice with predicted mass), † on substituted values.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LossesMessage } from '../../src/core/protocol';
import { Harness, SKIP_BROWSER, type EditorPage } from './browserHarness';
import { init, KNOWN_SLICE, knownVolume, lossesFor, SHAPE } from './e2eFixtures';
import { call, eventually } from './pageHelpers';

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
