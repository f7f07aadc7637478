/**
 * What the editor shows when its pair could not be opened (`failed` from the host): the file,
 * what is wrong, and the next steps as buttons — never a blank tab. Replaces the whole page
 * (header, toolbar, slice) until a pair is shown again.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { EditorAction, FailedMessage } from '../src/core/protocol';
import { el } from './dom';

const ACTIONS: readonly { readonly action: EditorAction; readonly label: string; readonly title: string }[] = [
  { action: 'choosePartner', label: 'Choose partner…', title: 'Pick the prediction or label to compare this mask with' },
  { action: 'openAnother', label: 'Open another file…', title: 'Open a different mask in Mask Inspector' },
  { action: 'reopenWith', label: 'Reopen With…', title: 'Open this file in another editor (text, hex, image…)' },
];

export class EmptyState {
  readonly element: HTMLElement;

  /** Empty until shown: its buttons exist only when there is something to act on. */
  constructor(private readonly onAction: (action: EditorAction) => void) {
    this.element = el('section', { class: 'mi-failed-state', role: 'alert', hidden: true, 'aria-label': 'The pair could not be opened' });
  }

  show(message: FailedMessage): void {
    const buttons = ACTIONS.map(({ action, label, title }, i) => {
      const button = el('vscode-button', { title, 'data-action': action, ...(i > 0 ? { secondary: true } : {}) }, label);
      button.addEventListener('click', () => this.onAction(action));
      return button;
    });
    this.element.replaceChildren(
      el('h2', { class: 'mi-failed-title' }, `Mask Inspector could not open ${message.file ?? 'this pair'}`),
      el('p', { class: 'mi-failed-detail' }, message.message),
      el('div', { class: 'mi-failed-actions' }, ...buttons),
      el('p', { class: 'mi-dim' }, 'Details are in the "Mask Inspector" output channel.'));
    this.element.hidden = false;
    this.element.closest('#app')?.classList.add('mi-failed');
  }

  hide(): void {
    this.element.hidden = true;
    this.element.replaceChildren();
    this.element.closest('#app')?.classList.remove('mi-failed');
  }
}
