/** The progress line (`status` messages) and the dismissible error banner (`error` messages). */
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import { el } from './dom';

export class StatusLine {
  readonly element: HTMLElement;
  /** Feedback for key presses that had nothing to do (e.g. already at the worst slice), read out by screen readers. */
  readonly announcer: HTMLElement;
  private announceTimer: number | undefined;
  private readonly text: HTMLElement;
  private readonly bar: HTMLElement;

  constructor() {
    this.bar = el('vscode-progress-bar', { indeterminate: true, 'aria-label': 'Working' });
    this.text = el('span', { class: 'mi-status-text' });
    this.element = el('div', { class: 'mi-status', role: 'status', 'aria-live': 'polite', hidden: true }, this.bar, this.text);
    this.announcer = el('div', { class: 'mi-hint', role: 'status', 'aria-live': 'polite' });
  }

  set(text: string | null): void {
    this.element.hidden = text === null;
    this.text.textContent = text ?? '';
  }

  announce(text: string): void {
    this.announcer.textContent = text;
    window.clearTimeout(this.announceTimer);
    this.announceTimer = window.setTimeout(() => { this.announcer.textContent = ''; }, 4000);
  }
}

export class ErrorBanner {
  readonly element: HTMLElement;
  private readonly text: HTMLElement;

  constructor() {
    this.text = el('span', { class: 'mi-banner-text' });
    const dismiss = el('vscode-button', { secondary: true, 'aria-label': 'Dismiss error' }, 'Dismiss');
    dismiss.addEventListener('click', () => this.set(null));
    this.element = el('div', { class: 'mi-banner', role: 'alert', hidden: true }, this.text, dismiss);
  }

  set(message: string | null): void {
    this.element.hidden = message === null;
    this.text.textContent = message ?? '';
  }
}
