/**
 * The webview side of the host channel: acquireVsCodeApi() (callable once per page), typed
 * posting, webview state, and a guard that only lets well-formed host messages through.
 */
import type { HostMessage, ViewState, WebviewMessage } from '../src/core/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const HOST_MESSAGE_TYPES: ReadonlySet<string> = new Set<HostMessage['type']>([
  'init', 'losses', 'metrics', 'slice', 'sliceError', 'marks', 'status', 'error', 'failed', 'command',
]);

export class HostChannel {
  private readonly api: VsCodeApi;

  constructor() {
    if (typeof acquireVsCodeApi !== 'function') {
      throw new Error('Mask Inspector: acquireVsCodeApi is missing; this page only runs inside a VS Code webview');
    }
    this.api = acquireVsCodeApi();
  }

  post(message: WebviewMessage): void {
    this.api.postMessage(message);
  }

  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.post({ type: 'log', level, message });
  }

  /** The state saved by an earlier instance of this webview (tab hidden and shown again). */
  savedState(): unknown {
    return this.api.getState();
  }

  /**
   * Saved as the ViewState so a host-side WebviewPanelSerializer can read it as such, plus `ui`:
   * what only the page knows (the table's sort, the plane layout), restored when the tab is shown again.
   */
  saveState(state: ViewState, ui?: UiState): void {
    this.api.setState(ui === undefined ? state : { ...state, ui });
  }

  /** Delivers host messages in order; anything else posted to the window is reported, not dropped silently. */
  listen(handler: (message: HostMessage) => void): void {
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      const data = event.data;
      if (!isHostMessage(data)) {
        this.log('warn', `webview ignored a message that is not a host message: ${describe(data)}`);
        return;
      }
      handler(data);
    });
  }
}

function isHostMessage(data: unknown): data is HostMessage {
  if (typeof data !== 'object' || data === null) return false;
  const type = (data as { type?: unknown }).type;
  return typeof type === 'string' && HOST_MESSAGE_TYPES.has(type);
}

function describe(data: unknown): string {
  if (typeof data === 'object' && data !== null) {
    const type = (data as { type?: unknown }).type;
    return typeof type === 'string' ? `type "${type}"` : 'an object without a type';
  }
  return typeof data;
}


/** Page-only view state kept across hiding and showing the tab. */
export interface UiState {
  readonly tableSort: { readonly key: string; readonly descending: boolean } | null;
  readonly layout: 'one' | 'three';
}

/** The `ui` part of a saved state, checked field by field (it may come from an older version). */
export function savedUi(saved: unknown): UiState {
  const ui = (typeof saved === 'object' && saved !== null ? (saved as { ui?: unknown }).ui : undefined) as Partial<Record<keyof UiState, unknown>> | undefined;
  const sort = ui?.tableSort as { key?: unknown; descending?: unknown } | null | undefined;
  return {
    tableSort: typeof sort?.key === 'string' && typeof sort.descending === 'boolean' ? { key: sort.key, descending: sort.descending } : null,
    layout: ui?.layout === 'three' ? 'three' : 'one',
  };
}
