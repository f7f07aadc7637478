/**
 * Entry of the compare editor's webview (bundled to dist/webview.js). Builds the page, then
 * posts `ready`; nothing numeric is shown before the host's `init`.
 */
import { EditorController } from './controller';
import { el } from './dom';
import { HostChannel } from './messaging';
import { listenForTriageKeys } from './triageKeys';

function layout(root: HTMLElement, controller: EditorController): void {
  const { header, toolbar, presenter, chart, table, status, banner, empty } = controller;
  const chartHead = el('div', { class: 'mi-panel-head' },
    el('h2', { class: 'mi-panel-title' }, 'Per slice'), toolbar.lossSelect);
  const panel = el('section', { class: 'mi-panel', 'aria-label': 'Losses and metrics per slice' }, chartHead, chart.element, table.element);
  const viewer = el('section', { class: 'mi-viewer-pane', 'aria-label': 'Slice' }, presenter.planesElement);
  const footer = el('footer', { class: 'mi-footer' }, presenter.readout.element, status.announcer, status.element);
  root.replaceChildren(empty.element, banner.element, header.element, toolbar.element, el('div', { class: 'mi-main' }, viewer, panel), footer);
}

function start(): void {
  const root = document.getElementById('app');
  if (root === null) throw new Error('Mask Inspector: the page has no #app element');
  const channel = new HostChannel();
  // Errors anywhere in the page go to the host's log: a webview has no visible console.
  window.addEventListener('error', (event) => channel.log('error', `webview: ${event.message} (${event.filename}:${event.lineno})`));
  window.addEventListener('unhandledrejection', (event) => channel.log('error', `webview: unhandled rejection: ${String(event.reason)}`));

  const controller = new EditorController(channel, () => root.setAttribute('aria-busy', 'false'));
  layout(root, controller);
  root.classList.add('mi-waiting');
  channel.listen((message) => {
    if (message.type === 'init') root.classList.remove('mi-waiting');
    controller.handle(message);
  });
  listenForTriageKeys((command) => controller.run(command));
  channel.post({ type: 'ready' });
}

start();
