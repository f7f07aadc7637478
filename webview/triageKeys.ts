/**
 * Triage keys: ←/→ previous/next slice, W worst, N/P next/previous in the worst-first ranking,
 * R reviewed, F flag. Ignored while typing in a text field or with a modifier held (those
 * belong to VS Code's own shortcuts).
 */
import type { TriageCommand } from '../src/core/protocol';

const KEY_COMMANDS: Readonly<Record<string, TriageCommand>> = {
  ArrowLeft: 'previousSlice',
  ArrowRight: 'nextSlice',
  w: 'worst',
  n: 'nextWorst',
  p: 'previousWorst',
  r: 'markReviewed',
  f: 'flag',
};

/** Toggles must not flicker while a key is held down; moving may repeat. */
const NO_REPEAT: ReadonlySet<TriageCommand> = new Set<TriageCommand>(['markReviewed', 'flag', 'worst']);

export function triageCommandForKey(event: KeyboardEvent): TriageCommand | null {
  if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return null;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  const command = KEY_COMMANDS[key];
  if (command === undefined || (event.repeat && NO_REPEAT.has(command))) return null;
  return command;
}

/** The focused element, looking inside shadow roots (the web components keep their inputs there). */
function deepActiveElement(): Element | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

const TEXT_INPUT_TYPES: ReadonlySet<string> = new Set(['text', 'search', 'number', 'email', 'password', 'tel', 'url']);

export function focusIsInTextEntry(): boolean {
  const active = deepActiveElement();
  if (active === null) return false;
  if (active instanceof HTMLTextAreaElement) return true;
  if (active instanceof HTMLInputElement) return TEXT_INPUT_TYPES.has(active.type);
  if (active instanceof HTMLElement && active.isContentEditable) return true;
  const tag = active.tagName.toLowerCase();
  return tag === 'vscode-textfield' || tag === 'vscode-textarea';
}

export function listenForTriageKeys(run: (command: TriageCommand) => void): void {
  window.addEventListener('keydown', (event) => {
    if (focusIsInTextEntry()) return;
    const command = triageCommandForKey(event);
    if (command === null) return;
    event.preventDefault();
    run(command);
  });
}
