/**
 * Colour swatches for the label selector (issue #13): the colours a label file gives its segments
 * (PairInfo.labelColors: .seg.nrrd SegmentN_Color, DICOM-SEG RecommendedDisplayCIELabValue).
 *
 * vscode-single-select draws its dropdown in its own shadow DOM from the options' text, so a swatch
 * element inside a vscode-option would not show there. The open list gets its swatches from a
 * constructable stylesheet adopted into the select's shadow root (one `::before` rule per coloured
 * option, matched by the list item's data-index); the closed select gets a swatch element beside
 * it, showing the chosen label's colour. Both are CSSOM, which the webview's CSP allows.
 */
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import { el } from './dom';

/** Only plain hex colours reach a style rule. */
const HEX = /^#[0-9a-f]{6}$/i;

export class LabelSwatches {
  /** The swatch beside the closed select (hidden when the chosen label has no colour). */
  readonly element: HTMLElement = el('span', { class: 'mi-label-swatch', 'aria-hidden': 'true' });
  private readonly sheet = new CSSStyleSheet();
  private colours: Readonly<Record<string, string>> = {};

  constructor(private readonly select: VscodeSingleSelect) {
    this.element.hidden = true;
    select.addEventListener('change', () => this.showChosen());
  }

  /** The colours by label value, for the options `values` (in option order). */
  set(colours: Readonly<Record<string, string>> | undefined, values: readonly string[]): void {
    this.colours = Object.fromEntries(Object.entries(colours ?? {}).filter(([, c]) => HEX.test(c)));
    const rules = values.flatMap((value, index) => {
      const colour = this.colours[value];
      return colour === undefined ? [] : [`li.option[data-index="${index}"]::before { background: ${colour}; }`];
    });
    this.sheet.replaceSync(rules.length === 0 ? '' : `li.option::before {
      content: ""; display: inline-block; box-sizing: border-box; width: 0.8em; height: 0.8em; margin-right: 0.4em;
      vertical-align: -0.05em; border-radius: 2px; border: 1px solid var(--vscode-contrastBorder, transparent); }
      ${rules.join('\n')}`);
    this.adopt();
    this.showChosen();
  }

  /** After the select's value is set by code (no change event). */
  showChosen(): void {
    const colour = this.colours[this.select.value];
    this.element.hidden = colour === undefined;
    this.element.style.backgroundColor = colour ?? '';
    this.element.title = colour === undefined ? '' : `Colour of label ${this.select.value} in the label file`;
  }

  /** Adds the sheet to the select's shadow root once it has one (the element upgrades asynchronously). */
  private adopt(): void {
    const root = this.select.shadowRoot;
    if (root === null) {
      void customElements.whenDefined('vscode-single-select').then(() => requestAnimationFrame(() => this.adopt()));
      return;
    }
    if (!root.adoptedStyleSheets.includes(this.sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, this.sheet];
  }
}
