/**
 * The "Conventions" strip (issue 11): the same named loss under seed / MONAI / SMP / nnU-Net for
 * the current slice and the volume, normalised to 0 = perfect (the raw value in the tooltip),
 * substituted values marked †, and ⚠ where the conventions disagree in kind. Shown when the
 * host computed library conventions (setting maskInspector.losses.conventions); the model is
 * src/core/analysis/conventionStrip.ts.
 */
import { conventionStrip, STRIP_LOSS_LABELS, type StripRow } from '../src/core/analysis/conventionStrip';
import { CONVENTIONS, conventionIdsOf, type Convention } from '../src/core/kernels/conventions/conventionIds';
import { sliceNumber } from '../src/core/quantityNames';
import { el, formatLoss } from './dom';
import type { AxisLosses } from './state';

/** How each convention is named on screen (the strip, the chart selector's groups). */
export const NAMES: Record<Convention, string> = { seed: 'seed', monai: 'MONAI', smp: 'SMP', nnunet: 'nnU-Net' };

/** The conventions whose ids a loss object holds (the seed's always). */
function conventionsIn(losses: Readonly<Record<string, unknown>>): Convention[] {
  return CONVENTIONS.filter((c) => c === 'seed' || conventionIdsOf([c]).some((id) => id in losses));
}

export class ConventionsStrip {
  readonly element: HTMLElement;
  /** Conventions the user unticked in the strip's selector (of those computed). */
  private readonly hiddenConventions = new Set<Convention>();
  private last: { losses: AxisLosses | undefined; index: number } = { losses: undefined, index: 0 };

  constructor() {
    this.element = el('div', { class: 'mi-conventions', role: 'group', 'aria-label': 'Loss conventions' });
    this.element.hidden = true;
    this.element.addEventListener('change', (event) => {
      const box = (event.target as Element).closest('input[data-convention]') as HTMLInputElement | null;
      if (box === null) return;
      const c = box.getAttribute('data-convention') as Convention;
      if (box.checked) this.hiddenConventions.delete(c); else this.hiddenConventions.add(c);
      this.update(this.last.losses, this.last.index);
    });
  }

  update(losses: AxisLosses | undefined, index: number): void {
    this.last = { losses, index };
    const volume = losses?.result.volume as Readonly<Record<string, number>> | undefined;
    const computed = volume ? conventionsIn(volume) : [];
    const conventions = computed.filter((c) => !this.hiddenConventions.has(c));
    if (!losses || !volume || computed.length < 2) {
      this.element.hidden = true;
      this.element.replaceChildren();
      return;
    }
    this.element.hidden = false;
    const substituted = losses.result.substituted ?? [];
    const slice = losses.rowsByIndex[index]?.losses as Readonly<Record<string, number>> | undefined;
    const sliceRows = slice ? conventionStrip(slice, substituted, conventions) : [];
    const volumeRows = conventionStrip(volume, substituted, conventions);
    const header = el('tr', {}, el('th', {}, 'Loss (0 = perfect)'),
      ...conventions.map((c) => el('th', { colspan: '2' }, NAMES[c])), el('th', {}, ''));
    const sub = el('tr', {}, el('th', {}, ''), ...conventions.flatMap(() => [el('th', { class: 'mi-dim' }, `slice ${sliceNumber(index)}`), el('th', { class: 'mi-dim' }, 'volume')]), el('th', {}, ''));
    const body = volumeRows.map((v) => {
      const s = sliceRows.find((r) => r.loss === v.loss);
      const flags = [s?.disagreement ? `slice ${sliceNumber(index)}: ${s.disagreement}` : null, v.disagreement ? `volume: ${v.disagreement}` : null]
        .filter((x): x is string => x !== null);
      return el('tr', { 'data-loss': v.loss },
        el('th', { scope: 'row' }, STRIP_LOSS_LABELS[v.loss]),
        ...conventions.flatMap((c) => [cell(s, c), cell(v, c)]),
        el('td', flags.length ? { class: 'mi-disagree', title: flags.join('\n') } : {}, flags.length ? '⚠ disagree' : ''));
    });
    const notes = substituted.length ? [el('div', { class: 'mi-dim' }, '† substituted: a label map has no logits; these use logit(clamp(p, 1e-6, 1 − 1e-6))')] : [];
    const selector = el('div', { class: 'mi-conventions-selector', role: 'group', 'aria-label': 'Conventions to compare' },
      el('span', { class: 'mi-volume-title' }, 'Conventions:'),
      ...computed.map((c) => el('label', {}, el('input', { type: 'checkbox', 'data-convention': c, checked: !this.hiddenConventions.has(c) }), ` ${NAMES[c]}`)),
      el('span', { class: 'mi-dim' }, '(computed: setting maskInspector.losses.conventions)'));
    const table = conventions.length >= 2 ? [el('table', { class: 'mi-conventions-table' }, header, sub, ...body)]
      : [el('div', { class: 'mi-dim' }, 'Tick two or more conventions to compare them.')];
    this.element.replaceChildren(selector, ...table, ...notes);
  }
}

function cell(row: StripRow | undefined, convention: Convention): HTMLElement {
  const c = row?.cells.find((x) => x.convention === convention);
  if (!c) return el('td', { class: 'mi-dim' }, '—');
  const title = `${c.id} = ${c.raw}${c.normalised !== c.raw ? ' (raw; shown + 1 so that 0 is perfect)' : ''}${c.substituted ? '\nsubstituted: the prediction is a label map, which has no logits' : ''}`;
  return el('td', { title, 'data-id': c.id }, formatLoss(c.normalised) + (c.substituted ? '†' : ''));
}
